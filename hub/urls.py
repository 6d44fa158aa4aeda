"""The node's URLs."""

from django.contrib import admin
from django.urls import include, path

from events import views as event_views
from federation import views as federation_views
from hub import views
from methods import views as method_views

urlpatterns = [
    path("", views.home, name="home"),
    path(".well-known/stadtlabor", federation_views.node_descriptor, name="node-descriptor"),
    path("ns/v1", federation_views.vocabulary, name="vocabulary"),
    path("methods/<uuid:uuid>", method_views.method_detail, name="method-detail"),
    path("events/<uuid:uuid>", event_views.event_detail, name="event-detail"),
    path("events.ics", event_views.events_calendar, name="events-calendar"),
    path("labs/<slug:slug>", views.lab_detail, name="lab-detail"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("api/federation/feed", federation_views.feed, name="federation-feed"),
    path("api/federation/descriptor", federation_views.relayed_descriptor, name="federation-descriptor"),
    path("api/federation/nudge", federation_views.nudge, name="federation-nudge"),
    path("api/federation/join", federation_views.join, name="federation-join"),
    path("api/", include("api.urls")),
]
