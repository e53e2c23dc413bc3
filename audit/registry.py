"""Which models leave an audit trail, and the signal handlers that write it.

`track(Model)` records every save and delete through Django's signals. Bulk writes do
not send signals, so a tracked model's queryset should inherit `AuditedQuerySet`, whose
`update()`, `bulk_create()` and `bulk_update()` write one entry per row they touch
(in bulk: one INSERT per thousand entries). Entries are written
in the same transaction as the change: a rolled-back change leaves no entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save

from . import context
from .models import AuditEntry

ALWAYS_EXCLUDED = {"password", "token_hash", "last_login"}
_tracked: dict[type[models.Model], frozenset[str]] = {}
_encoder = DjangoJSONEncoder()
# Django's bulk_update() writes through update(); bulk_update records its own entries.
_in_bulk_update: ContextVar[bool] = ContextVar("audit_in_bulk_update", default=False)


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        return _encoder.default(value)
    except TypeError:
        return str(value)


def _snapshot(instance: models.Model) -> dict:
    excluded = _tracked[type(instance)]
    return {
        field.attname: _plain(instance.__dict__.get(field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in excluded and field.name not in excluded
    }


# Field types whose value, as Django holds it in an instance's __dict__, cannot change in
# place (str, numbers, dates, UUIDs, a foreign key's id): post_init keeps a reference to
# such values and encodes them with _plain only when a save compares them. Every other
# field (JSON, files, binary, anything unknown) is encoded at once, as a JSON field
# mutated in place must still differ from what was loaded.
_IMMUTABLE_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.BooleanField,
    models.CharField,  # EmailField, SlugField, URLField, …
    models.TextField,
    models.IntegerField,  # all integer fields
    models.FloatField,
    models.DecimalField,
    models.DateField,  # DateTimeField
    models.TimeField,
    models.DurationField,
    models.UUIDField,
    models.GenericIPAddressField,
    models.ForeignKey,  # OneToOneField: the id in attname
)
# model → (the primary key's attname, the attnames encoded at load time)
_load_plan: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {}


def _plan(model: type[models.Model]) -> tuple[str, tuple[str, ...]]:
    plan = _load_plan.get(model)
    if plan is None:
        excluded = _tracked[model]
        mutable = tuple(
            field.attname
            for field in model._meta.concrete_fields
            if not isinstance(field, _IMMUTABLE_FIELDS) and field.attname not in excluded and field.name not in excluded
        )
        plan = _load_plan[model] = (model._meta.pk.attname, mutable)
    return plan


def _initial(instance: models.Model) -> dict | None:
    """The row as it was loaded (or last saved), JSON-ready like `_snapshot`, or None for
    an instance that was not loaded from a saved row."""
    state = instance.__dict__
    initial = state.get("_audit_initial")
    if initial is not None:
        return initial
    loaded = state.get("_audit_loaded")
    if loaded is None:
        return None
    excluded = _tracked[type(instance)]
    initial = {
        field.attname: _plain(loaded.get(field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in excluded and field.name not in excluded
    }
    state["_audit_initial"] = initial
    return initial


def _entry(instance_or_model, object_id, object_repr: str, action: str, changes: dict) -> AuditEntry:
    actor = context.current()
    return AuditEntry(
        actor_id=actor.user_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance_or_model),
        object_id=str(object_id),
        object_repr=str(object_repr)[:255],
        changes=changes,
        request_id=actor.request_id,
        ip=actor.ip,
        source=actor.source,
    )


def _on_init(sender, instance, **kwargs) -> None:
    """Keep what was loaded at the least cost (every tracked instance of every page comes
    through here): a copy of the instance's attributes, with only the values that could
    change in place encoded now. `_initial()` encodes the rest when a save asks."""
    state = instance.__dict__
    pk_attname, mutable = _load_plan.get(sender) or _plan(sender)
    if not state.get(pk_attname):
        return
    loaded = state.copy()
    for attname in mutable:
        loaded[attname] = _plain(loaded.get(attname))
    state["_audit_loaded"] = loaded


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return  # fixtures loading
    now = _snapshot(instance)
    before = _initial(instance)
    if created or before is None:
        changes = {name: [None, value] for name, value in now.items() if value not in (None, "")}
        action = AuditEntry.Action.CREATE
    else:
        changes = {name: [before.get(name), value] for name, value in now.items() if before.get(name) != value}
        action = AuditEntry.Action.UPDATE
        if not changes:
            return
    _entry(instance, instance.pk, instance, action, changes).save()
    instance._audit_initial = now


def _on_delete(sender, instance, **kwargs) -> None:
    _entry(instance, instance.pk, instance, AuditEntry.Action.DELETE, {}).save()


def track(model: type[models.Model], *, exclude: tuple[str, ...] = ()) -> None:
    if model in _tracked:
        return
    _tracked[model] = frozenset(ALWAYS_EXCLUDED | set(exclude))
    uid = f"audit-{model._meta.label}"
    post_init.connect(_on_init, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(_on_save, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_on_delete, sender=model, weak=False, dispatch_uid=uid)


def is_tracked(model: type[models.Model]) -> bool:
    return model in _tracked


def track_from_settings() -> None:
    for label in getattr(settings, "AUDITED_MODELS", []):
        track(apps.get_model(label))


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes leave the same trail as single saves."""

    def update(self, **kwargs) -> int:
        if not is_tracked(self.model) or _in_bulk_update.get():
            return super().update(**kwargs)
        rows = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if not count:
            # A conditional update that matched nothing (a lost race, say) changed nothing.
            return count
        changes = {
            (self.model._meta.get_field(name).attname if name != "pk" else name): [None, _plain(value)]
            for name, value in kwargs.items()
        }
        _write(
            _entry(self.model, pk, f"{self.model._meta.verbose_name} {pk}", AuditEntry.Action.BULK_UPDATE, changes)
            for pk in rows
        )
        return count

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        objs = list(objs)
        token = _in_bulk_update.set(True)
        try:
            count = super().bulk_update(objs, fields, *args, **kwargs)
        finally:
            _in_bulk_update.reset(token)
        if is_tracked(self.model) and objs:
            names = [self.model._meta.get_field(name).attname for name in fields]
            entries = []  # a generator would see _audit_initial after it moved on
            for obj in objs:
                # Compared with the row as it was loaded (post_init), like a single save.
                before = _initial(obj) or {}
                now = {name: _plain(obj.__dict__.get(name)) for name in names if name not in _tracked[self.model]}
                changes = {name: [before.get(name), value] for name, value in now.items() if before.get(name) != value}
                if changes:
                    entries.append(_entry(obj, obj.pk, obj, AuditEntry.Action.BULK_UPDATE, changes))
                    obj._audit_initial = {**before, **now}
            _write(entries)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if is_tracked(self.model):
            _write(
                _entry(
                    obj,
                    obj.pk,
                    obj,
                    AuditEntry.Action.CREATE,
                    {k: [None, v] for k, v in _snapshot(obj).items() if v not in (None, "")},
                )
                for obj in created
                if obj.pk is not None
            )
        return created


def record_bulk(changes: list[tuple[models.Model, str, dict]]) -> None:
    """Write one entry per (instance, action, changes), in bulk, as the current actor.

    For changes no queryset method sees, such as an import replacing a workplace's
    committee links (rows of an auto-created through table).
    """
    _write(_entry(instance, instance.pk, instance, action, diff) for instance, action, diff in changes if diff)


def _write(entries: Iterable[AuditEntry], batch: int = 1000) -> None:
    """Insert entries a thousand at a time, built as they go: an import of 100,000 rows
    never holds 100,000 unsaved entries at once."""
    entries = iter(entries)
    while chunk := list(islice(entries, batch)):
        AuditEntry.objects.bulk_create(chunk)
