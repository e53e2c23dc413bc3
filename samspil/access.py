"""The shape of every object lookup in Samspil's views.

A stranger to an object gets 404, so its existence does not leak; a reader who tries to
write gets 403. Each app's permissions.py wraps this with its own rules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

security_log = logging.getLogger("samspil.security")


def get_object_for_user(
    user,
    queryset: QuerySet | type[Model],
    *,
    view_perm: str,
    change_perm: str | None = None,
    write: bool = False,
    decided_by: Callable[[Any], Any] | None = None,
    **lookup,
):
    """The object, or 404 (may not see it) / 403 (may see, may not write). `decided_by` names
    the object whose rules decide, for parts reached through their whole (a goal through its
    agreement); the log names the object asked for."""
    return check_object_for_user(
        user,
        get_object_or_404(queryset, **lookup),
        view_perm=view_perm,
        change_perm=change_perm,
        write=write,
        decided_by=decided_by,
    )


def check_object_for_user(
    user,
    obj,
    *,
    view_perm: str,
    change_perm: str | None = None,
    write: bool = False,
    decided_by: Callable[[Any], Any] | None = None,
):
    """get_object_for_user's checks for an object read otherwise (samspil/compiled.py)."""
    subject = decided_by(obj) if decided_by is not None else obj
    if not user.has_perm(view_perm, subject):
        security_log.warning("refused user=%s perm=%s object=%s:%s", user.pk, view_perm, obj._meta.label, obj.pk)
        raise Http404
    if write and (change_perm is None or not user.has_perm(change_perm, subject)):
        security_log.warning("refused user=%s perm=%s object=%s:%s", user.pk, change_perm, obj._meta.label, obj.pk)
        raise PermissionDenied
    return obj
