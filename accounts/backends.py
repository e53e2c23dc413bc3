from __future__ import annotations

from django.conf import settings

from organisation.roles import roles_of


class AdministratorBackend:
    """Portal administrators (a role, see organisation.Membership) manage all of
    Samspil's own data in the Django admin, without per-model permission rows."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm: str, obj=None) -> bool:
        app_label = perm.split(".", 1)[0]
        return app_label in settings.SAMSPIL_APPS and roles_of(user).is_administrator

    def has_module_perms(self, user, app_label: str) -> bool:
        return app_label in settings.SAMSPIL_APPS and roles_of(user).is_administrator
