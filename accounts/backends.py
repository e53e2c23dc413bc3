from __future__ import annotations

import re

from django.apps import apps
from django.conf import settings

from organisation.roles import roles_of

_MODEL_PERMISSION = re.compile(r"^(add|change|delete|view)_(\w+)$")


class AdministratorBackend:
    """Portal administrators (a role, see organisation.Membership) manage Samspil's own data
    in the Django admin, without per-model permission rows.

    It grants only the admin's model-level permissions (add/change/delete/view of a model,
    asked without an object). Object-level and custom permissions — approve this agreement,
    sign this code — are the apps' rules alone, so an administrator cannot act for others.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm: str, obj=None) -> bool:
        if obj is not None or not roles_of(user).is_administrator:
            return False
        app_label, _, codename = perm.partition(".")
        match = _MODEL_PERMISSION.match(codename)
        if app_label not in settings.SAMSPIL_APPS or not match:
            return False
        try:
            apps.get_model(app_label, match.group(2))
        except LookupError:
            return False
        return True

    def has_module_perms(self, user, app_label: str) -> bool:
        return app_label in settings.SAMSPIL_APPS and roles_of(user).is_administrator
