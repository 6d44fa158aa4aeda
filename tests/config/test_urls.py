"""Every URL of the node, by route and name: moving code between folders must not move an address.

Added on purpose: registration on this node (issue 13): the event's form, the token's page, the staff's
pages, the API's endpoints; the privacy notice and its staff page.
Added on purpose: the open data catalog (issue 15): /catalog and its serialisations, each dataset's
description and downloads.
Added on purpose: after events (issue 14), the closing report's and feedback's staff pages, the feedback forms (the mail's link, the short link), the impact view.

Changed on purpose: of django-oauth-toolkit's URLs only token, revoke_token and introspect stay
mounted (issue 11, finding 5). The admin's own pages are left out (only its root is kept): they
follow the models registered there.

Reordered on purpose: the API's routes come first, a registration's token routes first within it (issue 13,
confirmations). No route or name changed, and no other route begins with api/ or matches theirs.
"""

from __future__ import annotations

from django.urls import URLResolver, get_resolver

URLS = [
    ('api/federation/feed', 'federation-feed'),
    ('api/federation/descriptor', 'federation-descriptor'),
    ('api/federation/nudge', 'federation-nudge'),
    ('api/federation/join', 'federation-join'),
    ('api/federation/blocklist', 'federation-blocklist'),
    ('api/registrations/<str:token>', 'api:registration-detail'),
    ('api/registrations/<str:token>/confirm', 'api:registration-confirm'),
    ('api/registrations/<str:token>/cancel', 'api:registration-cancel'),
    ('api/registrations/<str:token>/data', 'api:registration-data'),
    ('api/schema/', 'api:schema'),
    ('api/docs/', 'api:docs'),
    ('api/labs/<slug:slug>/ideas/', 'api:lab-ideas'),
    ('api/^methods/$', 'api:method-list'),
    ('api/^methods/(?P<uuid>[^/.]+)/$', 'api:method-detail'),
    ('api/^methods/(?P<uuid>[^/.]+)/adapt/$', 'api:method-adapt'),
    ('api/^events/$', 'api:event-list'),
    ('api/^events/(?P<uuid>[^/.]+)/$', 'api:event-detail'),
    ('api/^events/(?P<uuid>[^/.]+)/cancel/$', 'api:event-cancel'),
    ('api/^events/(?P<uuid>[^/.]+)/checkins/$', 'api:event-checkins'),
    ('api/^events/(?P<uuid>[^/.]+)/closing-report/$', 'api:event-closing-report'),
    ('api/^events/(?P<uuid>[^/.]+)/feedback/$', 'api:event-feedback'),
    ('api/^events/(?P<uuid>[^/.]+)/feedback/(?P<answer>[0-9]+)/$', 'api:event-feedback-answer'),
    ('api/^events/(?P<uuid>[^/.]+)/registrations/$', 'api:event-registrations'),
    ('api/^labs/$', 'api:lab-list'),
    ('api/^labs/(?P<pk>[^/.]+)/$', 'api:lab-detail'),
    ('api/^nodes/$', 'api:node-list'),
    ('api/^ideas/$', 'api:idea-list'),
    ('api/^ideas/moderation/$', 'api:idea-moderation'),
    ('api/^ideas/(?P<uuid>[^/.]+)/$', 'api:idea-detail'),
    ('api/^ideas/(?P<uuid>[^/.]+)/answer/$', 'api:idea-answer'),
    ('api/^ideas/(?P<uuid>[^/.]+)/decline/$', 'api:idea-decline'),
    ('api/^ideas/(?P<uuid>[^/.]+)/links/$', 'api:idea-links'),
    ('api/^ideas/(?P<uuid>[^/.]+)/publish/$', 'api:idea-publish'),
    ('api/^experience-reports/$', 'api:experience-report-list'),
    ('api/^experience-reports/(?P<uuid>[^/.]+)/$', 'api:experience-report-detail'),
    ('', 'home'),
    ('.well-known/stadtlabor', 'node-descriptor'),
    ('ns/v1', 'vocabulary'),
    ('methods/', 'method-list'),
    ('methods/<uuid:uuid>', 'method-detail'),
    ('methods/<uuid:uuid>/adapt', 'method-adapt'),
    ('methods/<uuid:uuid>/experience', 'method-experience'),
    ('events/', 'event-list'),
    ('events/<uuid:uuid>', 'event-detail'),
    ('events/<uuid:uuid>.ics', 'event-ics'),
    ('events/<uuid:uuid>/register', 'event-register'),
    ('events.ics', 'events-calendar'),
    ('registrations/<str:token>', 'registration-page'),
    ('registrations/<str:token>/feedback', 'registration-feedback'),
    ('f/<str:code>', 'feedback-walk-in'),
    ('labs/', 'lab-list'),
    ('labs/<slug:slug>', 'lab-detail'),
    ('labs/<slug:slug>/ideas/', 'lab-idea-submit'),
    ('labs/<str:host>/<slug:slug>', 'lab-mirrored'),
    ('network/', 'network'),
    ('network/impact', 'network-impact'),
    ('network/impact.csv', 'network-impact-csv'),
    ('network/impact.json', 'network-impact-json'),
    ('ideas/', 'idea-list'),
    ('ideas/<uuid:uuid>', 'idea-detail'),
    ('reports/<uuid:uuid>', 'report-detail'),
    ('privacy/', 'privacy'),
    ('accounts/login/', 'login'),
    ('accounts/logout/', 'logout'),
    ('staff/', 'staff-home'),
    ('staff/methods/new', 'staff-method-create'),
    ('staff/methods/<uuid:uuid>/edit', 'staff-method-edit'),
    ('staff/methods/<uuid:uuid>/delete', 'staff-method-delete'),
    ('staff/events/new', 'staff-event-create'),
    ('staff/events/<uuid:uuid>/edit', 'staff-event-edit'),
    ('staff/events/<uuid:uuid>/delete', 'staff-event-delete'),
    ('staff/experience-reports/new', 'staff-experience-report-create'),
    ('staff/experience-reports/<uuid:uuid>/edit', 'staff-experience-report-edit'),
    ('staff/experience-reports/<uuid:uuid>/delete', 'staff-experience-report-delete'),
    ('staff/ideas/', 'staff-ideas'),
    ('staff/ideas/<uuid:uuid>', 'staff-idea'),
    ('staff/ideas/<uuid:uuid>/delete', 'staff-idea-delete'),
    ('staff/events/<uuid:uuid>/registrations', 'staff-event-registrations'),
    ('staff/events/<uuid:uuid>/registrations/print', 'staff-event-registrations-print'),
    ('staff/events/<uuid:uuid>/registrations.csv', 'staff-event-registrations-csv'),
    ('staff/events/<uuid:uuid>/registrations/<uuid:registration_uuid>/cancel', 'staff-event-registration-cancel'),
    ('staff/events/<uuid:uuid>/closing-report', 'staff-event-closing'),
    ('staff/events/<uuid:uuid>/feedback', 'staff-event-feedback'),
    ('staff/events/<uuid:uuid>/feedback/print', 'staff-event-feedback-print'),
    ('staff/peers/', 'staff-peers'),
    ('staff/sync/', 'staff-sync-runs'),
    ('staff/sync/<int:pk>', 'staff-sync-run'),
    ('staff/blocks/', 'staff-blocks'),
    ('staff/keys/', 'staff-keys'),
    ('staff/privacy/', 'staff-privacy'),
    ('catalog', 'catalog'),
    ('catalog.ttl', 'catalog-ttl'),
    ('catalog.rdf', 'catalog-rdf'),
    ('catalog.jsonld', 'catalog-jsonld'),
    ('catalog/<slug:slug>/<slug:kind>', 'catalog-dataset'),
    ('catalog/<slug:slug>/<slug:kind>.<slug:extension>', 'catalog-distribution'),
    ('healthz', 'healthz'),
    ('readyz', 'readyz'),
    ('metrics', 'metrics'),
    ('admin/', 'admin:index'),
    ('i18n/setlang/', 'set_language'),
    ('o/token/', 'oauth2_provider:token'),
    ('o/revoke_token/', 'oauth2_provider:revoke-token'),
    ('o/introspect/', 'oauth2_provider:introspect'),
    ('.well-known/webfinger', 'fediverse-webfinger'),
    ('.well-known/nodeinfo', 'fediverse-nodeinfo-links'),
    ('nodeinfo/<str:version>', 'fediverse-nodeinfo'),
    ('ap/inbox', 'fediverse-shared-inbox'),
    ('ap/labs/<slug:slug>', 'fediverse-actor'),
    ('ap/labs/<slug:slug>/inbox', 'fediverse-inbox'),
    ('ap/labs/<slug:slug>/outbox', 'fediverse-outbox'),
    ('ap/labs/<slug:slug>/followers', 'fediverse-followers'),
    ('ap/labs/<slug:slug>/icon.png', 'fediverse-icon'),
    ('ap/events/<uuid:uuid>', 'fediverse-event'),
    ('ap/methods/<uuid:uuid>', 'fediverse-method'),
]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else ""


def test_every_url_keeps_its_route_and_name():
    """Every route outside the admin (whose pages follow the models registered there)."""
    routes = [(route, name) for route, name in _walk(get_resolver().url_patterns)
              if not route.startswith("admin/") or route == "admin/"]
    assert routes == URLS
