"""Changes to users and their role grants (change-logged by django-auditlog). Other apps (the
demo loader, administration tools) call these; they never write access's models themselves."""

from __future__ import annotations

from django.db import transaction

from kotopaikka.registry.models import Organisation

from .models import RoleAssignment, User


@transaction.atomic
def user_ensure(
    *,
    username: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
    is_active: bool = True,
) -> tuple[User, bool]:
    """The user with this username, created if missing (with `password`, or none usable).

    An existing user is returned unchanged: re-running the demo loader never resets anyone's
    password or rights.
    """
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_staff,
            "is_active": is_active,
        },
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created


@transaction.atomic
def role_grant(*, user: User, organisation_code: str, role: str) -> RoleAssignment:
    """Grant `role` in the organisation (idempotent); the role must fit the organisation's
    kind (`RoleAssignment.clean`)."""
    organisation = Organisation.objects.get(code=organisation_code)
    assignment = RoleAssignment.objects.filter(
        user=user, organisation=organisation, role=role
    ).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, organisation=organisation, role=role)
        assignment.full_clean()
        assignment.save()
    return assignment
