"""Reading ideas: the published ones of the network, one lab's, and the staff's moderation queue."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from hub.choices import PUBLISHED
from hub.models import Lab
from hub.selectors import readable_with_lab
from ideas.models import Idea, IdeaStatus


def ideas_visible(*, include_network: bool = False) -> QuerySet[Idea]:
    """Published ideas, local and mirrored, that the reader may see (never wider than their lab), newest first."""
    return (
        Idea.objects.filter(readable_with_lab(include_network=include_network))
        .select_related("lab", "origin").order_by("-date_created", "-pk")
    )


def ideas_of_lab(*, lab: Lab, include_network: bool = False) -> QuerySet[Idea]:
    """The published ideas of one lab that the reader may see, newest first."""
    return ideas_visible(include_network=include_network).filter(lab_id=lab.iri)


def idea_for_reader(*, uuid, include_network: bool) -> Idea | None:
    """One published idea by its uuid, if the reader may see it."""
    return ideas_visible(include_network=include_network).filter(uuid=uuid).first()


def lab_for_ideas(*, slug: str) -> Lab | None:
    """The lab of this node that takes ideas at this slug: a published one."""
    return (
        Lab.objects.filter(iri=f"{settings.HUB_BASE_URL}/labs/{slug}", origin__is_local=True, visibility__in=PUBLISHED)
        .select_related("origin").first()
    )


def ideas_for_moderation(*, labs: QuerySet[Lab], status: str | None = None) -> QuerySet[Idea]:
    """Every idea of these labs of this node (or those in one status), newest first."""
    ideas = Idea.objects.filter(lab__in=labs, origin__is_local=True).select_related("lab", "origin")
    if status:
        ideas = ideas.filter(status=status)
    return ideas.order_by("-date_created", "-pk")


def ideas_waiting(*, labs: QuerySet[Lab]) -> int:
    """How many ideas of these labs wait for moderation."""
    return Idea.objects.filter(lab__in=labs, origin__is_local=True, status=IdeaStatus.SUBMITTED).count()


def ideas_writable() -> QuerySet[Idea]:
    """Every idea, drafts and mirrored ones included, for the write paths to find and guard."""
    return Idea.objects.select_related("lab", "origin")
