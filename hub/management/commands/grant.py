"""Grant or revoke a role: ``manage.py grant USER ROLE [--lab SLUG] [--revoke]``; ``manage.py grant USER`` shows the roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.models import Lab
from hub.roles import SYSTEM, Role, grants_of, labs_local
from hub.services.roles import role_grant, role_revoke

ROLE_NAMES = {Role.NODE_ADMIN: "node administrator", Role.COORDINATOR: "coordinator", Role.LAB_EDITOR: "lab editor"}


class Command(BaseCommand):
    help = (
        "Give a person a role on this node, or take it back with --revoke: node-admin (peers, labs and every "
        "lab's items), coordinator (reads network-only content, writes nothing), lab-editor --lab SLUG "
        "(writes that lab's items; repeat for more labs). Without ROLE, show the person's roles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="user name of the person")
        parser.add_argument("role", nargs="?", choices=Role.values, help="the role to grant or revoke")
        parser.add_argument("--lab", help="short name (slug) of one of this node's labs, for lab-editor")
        parser.add_argument("--revoke", action="store_true", help="take the role back instead")

    def handle(self, *args, user: str, role: str | None, lab: str | None, revoke: bool, **options) -> None:
        person = self.person(user)
        if role is None:
            if lab or revoke:
                raise CommandError("Name the ROLE to grant or revoke.")
            self.stdout.write(self.roles_line(person))
            return
        role = Role(role)
        if lab and role != Role.LAB_EDITOR:
            raise CommandError(f"--lab is only for lab-editor; {role} is a role for the whole node.")
        if role == Role.LAB_EDITOR and not lab:
            raise CommandError("A lab editor edits one lab: name it with --lab SLUG (see the admin's list of labs).")
        self.change(person, role, self.local_lab(lab) if lab else None, revoke=revoke)

    def change(self, person: AbstractBaseUser, role: Role, lab: Lab | None, *, revoke: bool) -> None:
        """Grant or revoke through the service, and say what holds now."""
        try:
            (role_revoke if revoke else role_grant)(user=person, role=role, lab=lab, actor=SYSTEM)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        what = ROLE_NAMES[role] + (f" of {lab.name}" if lab else "")
        name = person.get_username()
        self.stdout.write(f"{name} is no longer {what}." if revoke else f"{name} is now {what}.")
        self.stdout.write(self.roles_line(person))

    def roles_line(self, person: AbstractBaseUser) -> str:
        """The person's roles in one line."""
        grants = grants_of(person)
        roles = [ROLE_NAMES[Role.NODE_ADMIN]] if grants.node_admin else []
        roles += [ROLE_NAMES[Role.COORDINATOR]] if grants.coordinator else []
        roles += [f"lab editor of {lab.name}" for lab in labs_local().filter(iri__in=grants.lab_iris)]
        superuser = " (a superuser: node administrator by that)" if person.is_superuser else ""
        return f"Roles of {person.get_username()}{superuser}: {', '.join(roles) or 'none'}."

    def person(self, username: str) -> AbstractBaseUser:
        """The user with this name, or a CommandError naming it."""
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username!r}; create it first (manage.py createsuperuser, or the admin).") from None

    def local_lab(self, slug: str) -> Lab:
        """One of this node's labs by its slug, or a CommandError listing them."""
        lab = labs_local().filter(slug=slug).first()
        if lab is None:
            known = ", ".join(labs_local().values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"This node has no lab {slug!r}; its labs are: {known}.")
        return lab
