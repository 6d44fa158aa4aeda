"""The fediverse face's routes; ``config/urls.py`` includes them at the root."""

from django.urls import path

from fediverse import views

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="fediverse-webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="fediverse-nodeinfo-links"),
    path("nodeinfo/<str:version>", views.nodeinfo, name="fediverse-nodeinfo"),
    path("ap/inbox", views.shared_inbox, name="fediverse-shared-inbox"),
    path("ap/labs/<slug:slug>", views.actor, name="fediverse-actor"),
    path("ap/labs/<slug:slug>/inbox", views.inbox, name="fediverse-inbox"),
    path("ap/labs/<slug:slug>/outbox", views.outbox, name="fediverse-outbox"),
    path("ap/labs/<slug:slug>/followers", views.followers, name="fediverse-followers"),
    path("ap/labs/<slug:slug>/icon.png", views.icon, name="fediverse-icon"),
    path("ap/events/<uuid:uuid>", views.event_object, name="fediverse-event"),
    path("ap/methods/<uuid:uuid>", views.method_object, name="fediverse-method"),
]
