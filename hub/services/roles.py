"""Granting and revoking roles: node administrators and coordinators by group, lab editors per lab."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.models import Lab, LabEditor
from hub.roles import Role, grants_forget, raise_unless_node_admin, role_group

GRANTING = _("grant or revoke roles")


@transaction.atomic
def role_grant(*, user: AbstractBaseUser, role: Role, lab: Lab | None = None, actor: Any) -> None:
    """Give a person a role (a lab editor for ``lab``); the role also lets them into the admin (``is_staff``)."""
    raise_unless_node_admin(actor=actor, action=GRANTING)
    raise_if_lab_wrong(role=role, lab=lab)
    if role == Role.LAB_EDITOR:
        LabEditor.objects.get_or_create(user=user, lab=lab)
    else:
        user.groups.add(role_group(role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    grants_forget(user)


@transaction.atomic
def role_revoke(*, user: AbstractBaseUser, role: Role, lab: Lab | None = None, actor: Any) -> None:
    """Take a role (a lab editor's for ``lab``) from a person; ``is_staff`` stays, as it grants nothing by itself."""
    raise_unless_node_admin(actor=actor, action=GRANTING)
    raise_if_lab_wrong(role=role, lab=lab)
    if role == Role.LAB_EDITOR:
        LabEditor.objects.filter(user=user, lab=lab).delete()
    else:
        user.groups.remove(role_group(role))
    grants_forget(user)


def raise_if_lab_wrong(*, role: Role, lab: Lab | None) -> None:
    """Refuse a lab editor without one of this node's labs, and a lab for a node-wide role."""
    if role != Role.LAB_EDITOR and lab is not None:
        raise ValidationError(gettext("A lab is named only for the role lab-editor; %(role)s is node-wide.") % {"role": role})
    if role == Role.LAB_EDITOR and (lab is None or not lab.is_local):
        raise ValidationError(gettext("A lab editor edits one of this node's labs; name it."))
