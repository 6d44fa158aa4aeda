"""The REST API under /api/: the catalogue, its OpenAPI schema and its browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("methods", views.MethodViewSet, basename="method")
router.register("events", views.EventViewSet, basename="event")
router.register("labs", views.LabViewSet, basename="lab")
router.register("nodes", views.NodeViewSet, basename="node")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
