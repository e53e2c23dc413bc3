from __future__ import annotations

import re

from allauth.account import auth_backends as allauth_backends
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from organisation.roles import FOLDS_ROLES, roles_of, with_current_roles
from samspil.compiled import CompiledQuery, StandIns

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
    """allauth's backend, whose `get_user` (the signed-in user of every request) loads in
    the same query the person's current memberships, so `roles_of()` costs no query of its
    own, and whether they hold any Django permission or group, so that ModelBackend's
    permission look-ups cost none for the (usual) person who holds neither. Exactly as
    current as before: read afresh with the user on every request.

    The SQL is compiled once per database (`_user_query`, samspil/compiled.py, with the
    person and the day as stand-ins): compiling the subqueries for every request would
    cost more Python than the round trip it saves."""

    def get_user(self, user_id):
        if connection.vendor not in FOLDS_ROLES:
            return super().get_user(user_id)
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        users = _user_query(connection.alias).instances({"pk": pk, "today": timezone.localdate()})
        if not users:
            return None
        user = users[0]
        if not user.is_superuser and not user.__dict__.pop(_HOLDS_PERMISSIONS):
            # ModelBackend's caches (_get_permissions): nothing to look up.
            user._user_perm_cache = set()
            user._group_perm_cache = set()
        return user if self.user_can_authenticate(user) else None


_HOLDS_PERMISSIONS = "_samspil_holds_permissions"
_USER_QUERIES: dict[str, CompiledQuery] = {}


def _user_query(alias: str) -> CompiledQuery:
    """The user-by-pk query with the roles current on a day and the permission flags,
    compiled once per database alias; its rows become users as the ORM makes them (0.1 ms
    less than through raw(), on every request)."""
    compiled = _USER_QUERIES.get(alias)
    if compiled is None:
        user_model = get_user_model()
        through = (user_model.user_permissions.through, user_model.groups.through)
        stand_ins = StandIns()
        users = with_current_roles(
            user_model._default_manager.using(alias).filter(pk=stand_ins.id("pk")), on=stand_ins.date("today")
        ).annotate(
            **{
                _HOLDS_PERMISSIONS: ExpressionWrapper(
                    Q(Exists(through[0].objects.filter(user_id=OuterRef("pk"))))
                    | Q(Exists(through[1].objects.filter(user_id=OuterRef("pk")))),
                    output_field=BooleanField(),
                )
            }
        )
        compiled = _USER_QUERIES[alias] = CompiledQuery(users, stand_ins, every=True)
    return compiled
