"""Who may do what on this node: node administrators, coordinators and lab editors.

Node-wide roles are Django groups (``ROLE_GROUPS``); a lab editor holds one ``LabEditor`` row per lab.
Superusers count as node administrators. ``is_staff`` grants nothing by itself: it only lets an
account into Django's admin. Every write service asks ``raise_unless_may_edit`` or
``raise_unless_node_admin`` with the person acting, so that the API, the staff pages and the admin
agree; the node's own system paths (init_node, seed_demo, imports, manage.py) act as ``SYSTEM``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.models import Lab, LabEditor
from hub.selectors import labs_local


class Role(models.TextChoices):
    """The roles a person can hold on this node, as ``manage.py grant`` names them."""

    NODE_ADMIN = "node-admin", _("Node administration")
    COORDINATOR = "coordinator", _("Coordination")
    LAB_EDITOR = "lab-editor", _("Lab editing")


# The Django groups that carry the node-wide roles; their names are data, created by hub's migration 0005.
ROLE_GROUPS = {Role.NODE_ADMIN: "Node administrators", Role.COORDINATOR: "Coordinators"}


class SystemActor:
    """The node itself acting (init_node, seed_demo, imports, manage.py): never the author of a request."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


class RoleRequired(PermissionDenied):
    """The person acting lacks the role a write needs; the message says which role would do."""


@dataclass(frozen=True)
class Grants:
    """What one person may do on this node, read once per request."""

    node_admin: bool = False
    coordinator: bool = False
    lab_iris: frozenset[str] = frozenset()

    @property
    def reads_network(self) -> bool:
        """Whether they may read network-only items: any role does."""
        return self.node_admin or self.coordinator or bool(self.lab_iris)

    @property
    def writes_items(self) -> bool:
        """Whether they may write items of at least one lab."""
        return self.node_admin or bool(self.lab_iris)

    @property
    def coordinates(self) -> bool:
        """Whether they see the network's figures (the impact view): coordinators and node administrators."""
        return self.node_admin or self.coordinator

    def may_edit(self, lab_iri: str | None) -> bool:
        """Whether they may write the items of the lab with this IRI."""
        return self.node_admin or lab_iri in self.lab_iris


NO_GRANTS = Grants()


def grants_of(actor: Any) -> Grants:
    """The roles of a person (none for the anonymous, the inactive and ``None``), kept on the user object."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return NO_GRANTS
    cached = getattr(actor, "_hub_grants", None)
    if cached is None:
        cached = actor._hub_grants = _grants_read(actor)
    return cached


def grants_forget(actor: Any) -> None:
    """Drop the roles kept on a user object, after they changed."""
    actor.__dict__.pop("_hub_grants", None)


def _grants_read(user: Any) -> Grants:
    """The role groups and edited labs in one query (every token request asks): group names and lab IRIs never meet."""
    groups = user.groups.filter(name__in=ROLE_GROUPS.values()).order_by().values_list("name", flat=True)
    labs = LabEditor.objects.filter(user=user, lab__origin__is_local=True).order_by().values_list("lab__iri", flat=True)
    held = frozenset(groups.union(labs))
    return Grants(
        node_admin=user.is_superuser or ROLE_GROUPS[Role.NODE_ADMIN] in held,
        coordinator=ROLE_GROUPS[Role.COORDINATOR] in held,
        lab_iris=held - frozenset(ROLE_GROUPS.values()),
    )


def role_group(role: Role) -> Group:
    """The Django group carrying a node-wide role, created if someone deleted it."""
    return Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]


def labs_editable(actor: Any) -> QuerySet[Lab]:
    """The labs of this node whose items the actor may write."""
    if actor is SYSTEM:
        return labs_local()
    grants = grants_of(actor)
    return labs_local() if grants.node_admin else labs_local().filter(iri__in=grants.lab_iris)


def roles_described(actor: Any) -> list[str]:
    """The person's roles in words, such as “Lab editing: Quartierslabor”, for pages and the admin."""
    grants = grants_of(actor)
    described = [str(Role.NODE_ADMIN.label)] if grants.node_admin else []
    described += [str(Role.COORDINATOR.label)] if grants.coordinator else []
    if grants.lab_iris:
        names = ", ".join(labs_local().filter(iri__in=grants.lab_iris).values_list("name", flat=True))
        described.append(f"{Role.LAB_EDITOR.label}: {names}")
    return described


def raise_unless_may_edit(*, actor: Any, lab: Lab | str | None) -> None:
    """Refuse an actor who may not write the items of ``lab`` (a lab or its IRI; None before one is chosen)."""
    if actor is SYSTEM:
        return
    grants = grants_of(actor)
    iri = lab.iri if isinstance(lab, Lab) else lab
    if (grants.writes_items if iri is None else grants.may_edit(iri)):
        return
    raise RoleRequired(_edit_refusal(actor, iri))


def raise_unless_node_admin(*, actor: Any, action: str) -> None:
    """Refuse an actor who is not a node administrator; ``action`` says what they tried (“manage peers”)."""
    if actor is SYSTEM or grants_of(actor).node_admin:
        return
    raise RoleRequired(
        gettext("%(person)s may not %(action)s: only node administrators may.") % {"person": _person(actor), "action": action}
    )


def raise_unless_coordinator(*, actor: Any, action: str) -> None:
    """Refuse an actor who is neither a coordinator nor a node administrator; ``action`` says what they tried."""
    if actor is SYSTEM or grants_of(actor).coordinates:
        return
    raise RoleRequired(
        gettext("%(person)s may not %(action)s: only coordinators and node administrators may.")
        % {"person": _person(actor), "action": action}
    )


def raise_unless_has_role(*, actor: Any) -> None:
    """Refuse an account that holds no role on this node, saying so."""
    if actor is not SYSTEM and not grants_of(actor).reads_network:
        raise RoleRequired(
            gettext("%(person)s holds no role on this node; a node administrator can grant one.") % {"person": _person(actor)}
        )


def _edit_refusal(actor: Any, iri: str | None) -> str:
    lab = Lab.objects.filter(iri=iri).first() if iri else None
    if lab is None:
        return gettext("%(person)s may not change this node's items: only lab editors and node administrators may.") % {
            "person": _person(actor),
        }
    return gettext("%(person)s may not change items of “%(lab)s”: only its lab editors and the node administrators may.") % {
        "person": _person(actor), "lab": lab.name,
    }


def _person(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return gettext("Someone who is not logged in")
    return gettext("The account “%(name)s”") % {"name": actor.get_username()}
