"""The agreement editor's writes: one field at a time, never over a newer version.

Each text field of the editor (the introduction; a goal's title, kind, why, success, the
three indicator fields and its partners) has its own version column. A save names the
version the writer started from, and the UPDATE only matches that version:

    Goal.objects.filter(pk=…, why_version=v).update(why=…, why_version=F("why_version") + 1)

One row updated: saved. None: someone saved that field in between, and the writer gets
`FieldConflict` with the current text instead of overwriting it (FACTS.md: without the
condition one of two racing edits is silently lost). Edits to two *different* fields of
one goal match their own versions and both land.

Who last changed a field is kept in the cache beside the version, for the editor's
"Changed by Anna at 14:32": it is only shown, never trusted; the database decides.
Presence (who else has the agreement open) lives in the cache too: a heartbeat every few
seconds from each open editor, forgotten after `PRESENCE_TTL`.

Refusals are the shared `samspil.errors.ServiceError` and `Conflict` (issue 13).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from samspil.errors import Conflict, ServiceError

from . import services
from .models import Agreement, Goal
from .selectors import partner_workplaces

GOAL_FIELDS = (
    "title",
    "kind",
    "why",
    "success",
    "indicator_name",
    "indicator_baseline",
    "indicator_target",
    "partners",
)
INTRODUCTION = "introduction"

# How long a field's last writer is remembered (display only) and how long an editor that
# stopped sending heartbeats still counts as present (three missed beats of 10 s).
EDITOR_MEMORY = 7 * 24 * 3600
PRESENCE_TTL = 30


class DraftError(ServiceError):
    """The save was refused; `field` names the field the message belongs to."""


@dataclass
class FieldState:
    """One field as it is in the database now."""

    key: str
    value: Any  # text, or a list of partner workplace ids
    version: int
    changed_by: str = ""
    changed_at: str = ""  # ISO time, as the cache keeps it
    labels: dict[int, str] = field(default_factory=dict)  # partner id → name

    def as_json(self) -> dict:
        data = {"field": self.key, "value": self.value, "version": self.version, "by": self.changed_by}
        data["at"] = _clock(self.changed_at)
        if self.labels:
            data["labels"] = [{"id": pk, "name": name} for pk, name in self.labels.items()]
        return data


class FieldConflict(Conflict, DraftError):
    """Someone saved this field after the writer's version; `.current` is what they saved
    (a `FieldState`)."""

    def __init__(self, current: FieldState):
        super().__init__(
            _("Someone else changed this text while you were writing."), current=current, field=current.key
        )


def _clock(iso: str) -> str:
    moment = parse_datetime(iso) if iso else None
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def field_key(goal_id: int | None, name: str) -> str:
    """The field's name on the page and in the cache: `introduction` or `goal-12-why`."""
    return INTRODUCTION if goal_id is None else f"goal-{goal_id}-{name}"


def parse_key(key: str) -> tuple[int | None, str]:
    """`goal-12-why` → (12, "why"); raises ValueError for anything the editor does not save."""
    if key == INTRODUCTION:
        return None, INTRODUCTION
    prefix, _sep, rest = key.partition("-")
    goal_id, _sep, name = rest.partition("-")
    if prefix != "goal" or not goal_id.isdigit() or name not in GOAL_FIELDS:
        raise ValueError(key)
    return int(goal_id), name


def _editor_cache_key(agreement_id: int, key: str) -> str:
    return f"agreements:editor:{agreement_id}:{key}"


def _remember_writer(agreement_id: int, key: str, version: int, by) -> None:
    entry = {"version": version, "by": by.get_full_name() or str(by), "at": timezone.now().isoformat()}
    cache.set(_editor_cache_key(agreement_id, key), entry, EDITOR_MEMORY)


def _writers(agreement_id: int, keys: list[str]) -> dict[str, dict]:
    found = cache.get_many([_editor_cache_key(agreement_id, key) for key in keys])
    return {
        key: found[_editor_cache_key(agreement_id, key)]
        for key in keys
        if _editor_cache_key(agreement_id, key) in found
    }


def _state(agreement_id: int, key: str, value: Any, version: int) -> FieldState:
    writer = _writers(agreement_id, [key]).get(key)
    # A writer remembered for an older version is not the one who made this one.
    if writer and writer["version"] == version:
        return FieldState(key, value, version, writer["by"], writer["at"])
    return FieldState(key, value, version)


def _goal_value(goal: Goal, name: str) -> Any:
    if name == "partners":
        return sorted(goal.partners.values_list("pk", flat=True))
    return getattr(goal, name)


def current_state(agreement: Agreement, key: str) -> FieldState:
    goal_id, name = parse_key(key)
    if goal_id is None:
        row = Agreement.objects.only("introduction", "introduction_version").get(pk=agreement.pk)
        return _state(agreement.pk, key, row.introduction, row.introduction_version)
    goal = Goal.objects.get(pk=goal_id, agreement=agreement)
    state = _state(agreement.pk, key, _goal_value(goal, name), getattr(goal, f"{name}_version"))
    if name == "partners":
        state.labels = {w.pk: w.name for w in partner_workplaces(state.value)} if state.value else {}
    return state


def _check_goal_value(goal: Goal, name: str, value: Any, agreement: Agreement) -> None:
    """What the database or the domain needs beyond the form field's own checks."""
    if name == "indicator_target" and value and not goal.indicator_baseline:
        raise DraftError(_("Give the baseline the target is measured against."), field=name)
    if name == "indicator_baseline" and not value and goal.indicator_target:
        raise DraftError(_("Give the baseline the target is measured against."), field=name)
    if name == "partners" and value:
        if goal.kind != Goal.Kind.CROSS_CUTTING:
            raise DraftError(
                _("Partner workplaces belong to a cross-cutting goal: choose that kind first."), field=name
            )
        if agreement.workplace_id in value:
            raise DraftError(_("A workplace cannot be its own partner: choose other workplaces."), field=name)
        if len(partner_workplaces(value)) != len(value):
            raise DraftError(_("One of the chosen workplaces no longer exists: tick the partners again."), field=name)


def _lock_editable(agreement_id: int, *, field: str) -> None:
    """Lock the agreement and refuse unless its text may still change.

    Every write to the agreement's text locks its row first (services.py does too): the
    status check holds until commit, and the baseline/target pair is read consistently.
    """
    try:
        services._lock_editable(agreement_id)  # the transition table's "edit" states
    except services.TransitionError as error:
        raise DraftError(error.message, field=field, code="frozen") from None


def draft_field_save(*, agreement: Agreement, key: str, value: Any, version: int, by) -> FieldState:
    """Save one field of the agreement's text if nobody saved it since `version`.

    Raises `FieldConflict` (with the current text) when someone did, `DraftError` when the
    value is not acceptable or the agreement can no longer be changed, `Goal.DoesNotExist`
    when the goal is not this agreement's (anymore).
    """
    goal_id, name = parse_key(key)
    with transaction.atomic():
        _lock_editable(agreement.pk, field=name)
        if goal_id is None:
            saved = Agreement.objects.filter(pk=agreement.pk, introduction_version=version).update(
                introduction=value, introduction_version=F("introduction_version") + 1, version=F("version") + 1
            )
        else:
            goal = Goal.objects.get(pk=goal_id, agreement_id=agreement.pk)
            version_field = f"{name}_version"
            if getattr(goal, version_field) == version:
                _check_goal_value(goal, name, value, agreement)
            changes: dict[str, Any] = {version_field: F(version_field) + 1, "version": F("version") + 1}
            if name != "partners":
                changes[name] = value
            saved = Goal.objects.filter(pk=goal_id, **{version_field: version}).update(**changes)
            if saved and name == "partners":
                goal.partners.set(value)
            if saved and name == "kind" and value != Goal.Kind.CROSS_CUTTING and goal.partners.exists():
                # Only a cross-cutting goal has partners (as services.goal_save keeps it).
                goal.partners.clear()
                Goal.objects.filter(pk=goal_id).update(partners_version=F("partners_version") + 1)
        if not saved:
            raise FieldConflict(current_state(agreement, key))
        # Touch the agreement and, after it is agreed, keep the change as a revision — the
        # one rule for every text change, owned by services.py.
        services._after_text_change(agreement.pk, by)
        state = current_state(agreement, key)
    # Display only, so not worth an on_commit: a rolled-back save leaves a writer for a
    # version that never was, which nothing shows (the versions are compared first).
    _remember_writer(agreement.pk, key, state.version, by)
    state.changed_by, state.changed_at = by.get_full_name() or str(by), timezone.now().isoformat()
    return state


def field_versions(agreement: Agreement) -> dict[str, int]:
    """Every field's version, for the editor's heartbeat: one query for the goals."""
    versions = {INTRODUCTION: agreement.introduction_version}
    columns = [f"{name}_version" for name in GOAL_FIELDS]
    for row in Goal.objects.filter(agreement=agreement).values("pk", *columns):
        for name in GOAL_FIELDS:
            versions[field_key(row["pk"], name)] = row[f"{name}_version"]
    return versions


def changed_since(agreement: Agreement, known: dict[str, int]) -> list[FieldState]:
    """The fields whose version is newer than the one the editor holds, with their text."""
    versions = field_versions(agreement)
    newer = [key for key, version in known.items() if key in versions and versions[key] > version]
    return [current_state(agreement, key) for key in newer[:50]]


# --- Presence --------------------------------------------------------------------------------


def _presence_key(agreement_id: int) -> str:
    return f"agreements:presence:{agreement_id}"


def presence_touch(*, agreement_id: int, user) -> list[str]:
    """Note that `user` has the editor open now; return the names of the others who do.

    Read-modify-write of one cache entry: two heartbeats at the same instant may drop one
    name until that editor's next beat (a few seconds). Acceptable for a hint; nothing
    depends on it.
    """
    now = time.time()
    entries = {
        uid: entry
        for uid, entry in (cache.get(_presence_key(agreement_id)) or {}).items()
        if now - entry["seen"] < PRESENCE_TTL
    }
    entries[str(user.pk)] = {"name": user.get_full_name() or str(user), "seen": now}
    cache.set(_presence_key(agreement_id), entries, PRESENCE_TTL * 2)
    return sorted(entry["name"] for uid, entry in entries.items() if uid != str(user.pk))


def presence_others(*, agreement_id: int, user) -> list[str]:
    """The others who have the editor open, without counting `user` in."""
    now = time.time()
    entries = cache.get(_presence_key(agreement_id)) or {}
    return sorted(
        entry["name"] for uid, entry in entries.items() if uid != str(user.pk) and now - entry["seen"] < PRESENCE_TTL
    )
