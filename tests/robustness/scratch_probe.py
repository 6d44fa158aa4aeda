import pytest
from django.test import Client
from hub.models import Lab
from methods.models import MethodCard

@pytest.mark.django_db
def test_probe(demo_content, staff_token):
    c = Client(raise_request_exception=False)
    for p in ["/api/events/0.5/", "/api/methods/0.5/", "/api/events/1e5/", "/api/events/0.5/cancel/"]:
        r = c.get(p); print(p, r.status_code, r["Content-Type"])
    lab = Lab.objects.filter(origin__is_local=True).first()
    m = MethodCard.objects.first()
    r = c.post(f"/api/methods/{m.uuid}/adapt/", {"lab": lab.iri, "source": "https://example.org/quelle"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {staff_token}")
    print(r.status_code, r.content[:300])
