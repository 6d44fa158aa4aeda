"""The REST API under /api/: the catalogue, its OpenAPI schema and its browsable docs."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("methods", views.MethodViewSet, basename="method")
router.register("events", views.EventViewSet, basename="event")
router.register("labs", views.LabViewSet, basename="lab")
router.register("nodes", views.NodeViewSet, basename="node")
router.register("ideas", views.IdeaViewSet, basename="idea")
router.register("experience-reports", views.ExperienceReportViewSet, basename="experience-report")

# Swagger UI under the node's Content-Security-Policy: its start script is a file of its own (the split
# view serves it at ?script), its style too (the template); its stylesheet draws icons as data: images.
swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")

urlpatterns = [
    # A registration by the secret token from its mail (the link's last segment, as the issue names them),
    # first: a popular event's confirmations come all at once.
    path("registrations/<str:token>", views.RegistrationView.as_view(), name="registration-detail"),
    path("registrations/<str:token>/confirm", views.RegistrationConfirmView.as_view(), name="registration-confirm"),
    path("registrations/<str:token>/cancel", views.RegistrationCancelView.as_view(), name="registration-cancel"),
    path("registrations/<str:token>/data", views.RegistrationDataView.as_view(), name="registration-data"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", csp_update({"img-src": ["data:"]})(swagger_ui), name="docs"),
    path("labs/<slug:slug>/ideas/", views.LabIdeasView.as_view(), name="lab-ideas"),
    *router.urls,
]
