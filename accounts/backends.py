from __future__ import annotations

import re

from allauth.account import auth_backends as allauth_backends
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from organisation.roles import FOLDS_ROLES, roles_of, with_current_roles

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


class AuthenticationBackend(allauth_backends.AuthenticationBackend):
    """allauth's backend, whose `get_user` (the signed-in user of every request) loads the
    person's current memberships in the same query, so `roles_of()` costs no query of its
    own: one round trip less on every page. Exactly as current as before: the memberships
    are read afresh with the user on every request (organisation.roles.with_current_roles)."""

    def get_user(self, user_id):
        if connection.vendor not in FOLDS_ROLES:
            return super().get_user(user_id)
        user_model = get_user_model()
        try:
            user = with_current_roles(user_model._default_manager.all()).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
