"""The node's privacy notice, and the node administrators' page to change it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hub.models import PrivacyNotice
from hub.privacy import privacy_notice_current, privacy_notice_versions
from hub.services.privacy import EDITING_PRIVACY, privacy_notice_publish
from web.access import node_admin_required, page
from web.forms import PrivacyNoticeForm, form_add_service_errors


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice in the page's language: who is responsible, how long data is kept, the details.

    ``?version=N`` shows an earlier version, as a registration's consent names it.
    """
    current = privacy_notice_current()
    notice, language = _version_asked(request) or current, get_language()
    return page(request, "web/privacy.html", {
        "notice": notice, "is_current": notice.version == current.version, "text": notice.text(language),
        "consent": notice.consent(language), "retention_days": settings.HUB_REGISTRATION_RETENTION_DAYS,
    })


def _version_asked(request: HttpRequest) -> PrivacyNotice | None:
    """The version named by ``?version=N``; 404 for one that was never published."""
    asked = request.GET.get("version")
    if asked is None:
        return None
    if not asked.isdecimal() or len(asked) > 9:
        raise Http404
    return get_object_or_404(PrivacyNotice, version=int(asked))


@node_admin_required(EDITING_PRIVACY)
@require_http_methods(["GET", "POST"])
def staff_privacy(request: HttpRequest) -> HttpResponse:
    """Change the privacy notice; each change is published as a new version and the earlier ones are kept."""
    current = privacy_notice_current()
    form = PrivacyNoticeForm(request.POST or None, notice=current)
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            notice = privacy_notice_publish(actor=request.user, **{name: form.cleaned_data[name] for name in form.fields})
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        else:
            messages.success(request, _("The privacy notice is published as version %(version)d.") % {"version": notice.version})
            return redirect("privacy")
    return page(request, "web/staff/privacy.html", {
        "form": form, "current": current, "versions": privacy_notice_versions(), "other_errors": other_errors,
        "retention_days": settings.HUB_REGISTRATION_RETENTION_DAYS,
    }, status=400 if request.method == "POST" else 200)
