"""The node's URLs: pages (web/), documents and federation endpoints (federation/), the API (api/), operations (ops/),
the open data catalog (opendata/), the fediverse face (fediverse/)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider import views as oauth_views

from federation import views as federation_views
from opendata import views as opendata_views
from ops import health, metrics
from web.views import (
    blocks,
    closing,
    event_registrations,
    feedback,
    impact,
    keys,
    pages,
    privacy,
    register,
    staff,
)
from web.views import events as event_views
from web.views import experience as experience_views
from web.views import ideas as idea_views
from web.views import labs as lab_views
from web.views import methods as method_views
from web.views import network as network_views
from web.views import registrations as registration_views

# Only what scripts and peers need from django-oauth-toolkit: tokens by client credentials, their
# revocation and introspection (the token endpoint throttles failed client authentications). Application registration, the authorization flows, the device flow,
# OpenID Connect and dynamic client registration stay unmounted: applications are made by
# `manage.py issue_token`, by peering, or by an administrator in the admin.
oauth_urlpatterns = ([
    path("token/", federation_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
], "oauth2_provider")

# The API first: peers and scripts call it most, and Django tries the patterns in order. Nothing
# else starts with api/, so the order changes no match.
urlpatterns = [
    path("api/federation/feed", federation_views.feed, name="federation-feed"),
    path("api/federation/descriptor", federation_views.relayed_descriptor, name="federation-descriptor"),
    path("api/federation/nudge", federation_views.nudge, name="federation-nudge"),
    path("api/federation/join", federation_views.join, name="federation-join"),
    path("api/federation/blocklist", federation_views.blocklist, name="federation-blocklist"),
    path("api/", include("api.urls")),
    path("", pages.home, name="home"),
    path(".well-known/stadtlabor", federation_views.node_descriptor, name="node-descriptor"),
    path("ns/v1", federation_views.vocabulary, name="vocabulary"),
    path("methods/", method_views.method_list, name="method-list"),
    path("methods/<uuid:uuid>", method_views.method_detail, name="method-detail"),
    path("methods/<uuid:uuid>/adapt", method_views.method_adapt_view, name="method-adapt"),
    path("methods/<uuid:uuid>/experience", experience_views.method_experience_view, name="method-experience"),
    path("events/", event_views.event_list, name="event-list"),
    path("events/<uuid:uuid>", event_views.event_detail, name="event-detail"),
    path("events/<uuid:uuid>.ics", event_views.event_ics, name="event-ics"),
    path("events/<uuid:uuid>/register", register.event_register, name="event-register"),
    path("events.ics", event_views.events_calendar, name="events-calendar"),
    path("registrations/<str:token>", registration_views.registration_page, name="registration-page"),
    path("registrations/<str:token>/feedback", feedback.registration_feedback, name="registration-feedback"),
    path("f/<str:code>", feedback.feedback_walk_in, name="feedback-walk-in"),
    path("labs/", lab_views.lab_list, name="lab-list"),
    path("labs/<slug:slug>", lab_views.lab_detail, name="lab-detail"),
    path("labs/<slug:slug>/ideas/", idea_views.idea_submit_view, name="lab-idea-submit"),
    path("labs/<str:host>/<slug:slug>", lab_views.lab_mirrored, name="lab-mirrored"),
    path("network/", network_views.network_overview, name="network"),
    path("network/impact", impact.impact_view, name="network-impact"),
    path("network/impact.csv", impact.impact_csv, name="network-impact-csv"),
    path("network/impact.json", impact.impact_json, name="network-impact-json"),
    path("ideas/", idea_views.idea_list, name="idea-list"),
    path("ideas/<uuid:uuid>", idea_views.idea_detail, name="idea-detail"),
    path("reports/<uuid:uuid>", experience_views.report_detail, name="report-detail"),
    path("privacy/", privacy.privacy_notice, name="privacy"),
    path("accounts/login/", pages.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", staff.staff_home, name="staff-home"),
    path("staff/methods/new", method_views.method_create_view, name="staff-method-create"),
    path("staff/methods/<uuid:uuid>/edit", method_views.method_edit_view, name="staff-method-edit"),
    path("staff/methods/<uuid:uuid>/delete", method_views.method_delete_view, name="staff-method-delete"),
    path("staff/events/new", event_views.event_create_view, name="staff-event-create"),
    path("staff/events/<uuid:uuid>/edit", event_views.event_edit_view, name="staff-event-edit"),
    path("staff/events/<uuid:uuid>/delete", event_views.event_delete_view, name="staff-event-delete"),
    path("staff/experience-reports/new", experience_views.report_create_view, name="staff-experience-report-create"),
    path("staff/experience-reports/<uuid:uuid>/edit", experience_views.report_edit_view,
         name="staff-experience-report-edit"),
    path("staff/experience-reports/<uuid:uuid>/delete", experience_views.report_delete_view,
         name="staff-experience-report-delete"),
    path("staff/ideas/", idea_views.staff_ideas, name="staff-ideas"),
    path("staff/ideas/<uuid:uuid>", idea_views.staff_idea, name="staff-idea"),
    path("staff/ideas/<uuid:uuid>/delete", idea_views.staff_idea_delete, name="staff-idea-delete"),
    path("staff/events/<uuid:uuid>/registrations", event_registrations.event_registrations,
         name="staff-event-registrations"),
    path("staff/events/<uuid:uuid>/registrations/print", event_registrations.event_registrations_print,
         name="staff-event-registrations-print"),
    path("staff/events/<uuid:uuid>/registrations.csv", event_registrations.event_registrations_csv,
         name="staff-event-registrations-csv"),
    path("staff/events/<uuid:uuid>/registrations/<uuid:registration_uuid>/cancel",
         event_registrations.event_registration_cancel, name="staff-event-registration-cancel"),
    path("staff/events/<uuid:uuid>/closing-report", closing.closing_report_edit, name="staff-event-closing"),
    path("staff/events/<uuid:uuid>/feedback", closing.event_feedback, name="staff-event-feedback"),
    path("staff/events/<uuid:uuid>/feedback/print", closing.event_feedback_print, name="staff-event-feedback-print"),
    path("staff/peers/", staff.staff_peers, name="staff-peers"),
    path("staff/sync/", staff.staff_sync_runs, name="staff-sync-runs"),
    path("staff/sync/<int:pk>", staff.staff_sync_run, name="staff-sync-run"),
    path("staff/blocks/", blocks.staff_blocks, name="staff-blocks"),
    path("staff/keys/", keys.staff_keys, name="staff-keys"),
    path("staff/privacy/", privacy.staff_privacy, name="staff-privacy"),
    path("catalog", opendata_views.catalog, name="catalog"),
    path("catalog.ttl", opendata_views.catalog, {"extension": "ttl"}, name="catalog-ttl"),
    path("catalog.rdf", opendata_views.catalog, {"extension": "rdf"}, name="catalog-rdf"),
    path("catalog.jsonld", opendata_views.catalog, {"extension": "jsonld"}, name="catalog-jsonld"),
    path("catalog/<slug:slug>/<slug:kind>", opendata_views.dataset, name="catalog-dataset"),
    path("catalog/<slug:slug>/<slug:kind>.<slug:extension>", opendata_views.distribution,
         name="catalog-distribution"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("o/", include(oauth_urlpatterns, namespace="oauth2_provider")),
    path("", include("fediverse.urls")),
]

handler403 = "web.views.pages.permission_denied"
handler404 = "web.views.pages.page_not_found"
