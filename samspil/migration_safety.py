"""Rollbacks that never destroy what they cannot restore (issue 15, point 5).

Django unapplies a backward plan one migration at a time and meets an irreversible
operation only when it gets there: `migrate organisation 0001` dropped the meetings and
stories tables before failing on codex. Here the whole backward plan is checked before
anything runs (a `pre_migrate` receiver, portal/apps.py): an operation that cannot be
reversed, or a `RefuseRollbackWithRows` whose tables hold rows, stops `migrate` with
the reason, and nothing has changed.

Two operations for migrations to say so in their own text:

- `Irreversible(reason)`: this migration cannot be unapplied; the reason is shown.
- `RefuseRollbackWithRows(tables, reason)`: unapplying would drop these tables; refused
  while they hold rows (an empty one may go).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.operations.base import Operation


class Irreversible(Operation):
    """Forwards nothing; backwards refused, with the reason."""

    reversible = False
    reduces_to_sql = False
    elidable = False

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def deconstruct(self):
        return (f"{__name__}.{self.__class__.__name__}", [], {"reason": self.reason})

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        raise IrreversibleError(self.reason)

    def describe(self) -> str:
        return f"Irreversible: {self.reason}"


class RefuseRollbackWithRows(Operation):
    """Forwards nothing; backwards (which runs before the migration's other operations
    when it is the last of them) refused while any of `tables` holds a row."""

    reversible = True
    reduces_to_sql = False
    elidable = False

    def __init__(self, tables: list[str], reason: str) -> None:
        self.tables = list(tables)
        self.reason = reason

    def deconstruct(self):
        return (f"{__name__}.{self.__class__.__name__}", [], {"tables": self.tables, "reason": self.reason})

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass

    def refusal(self, connection) -> str | None:
        existing = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table in self.tables:
                if table not in existing:
                    continue
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608  # nosec B608 - a quoted table name from the migration
                if cursor.fetchone():
                    return f"{self.reason} (table {table} holds rows)"
        return None

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if reason := self.refusal(schema_editor.connection):
            raise IrreversibleError(reason)

    def describe(self) -> str:
        return f"Refuse rollback while {', '.join(self.tables)} hold rows"


def backward_plan_refusals(plan, connection) -> list[str]:
    """Why the backward steps of a migrate plan cannot all run, one line per migration."""
    refusals = []
    for migration, backwards in plan or ():
        if not backwards:
            continue
        for operation in migration.operations:
            if isinstance(operation, Irreversible):
                reason = operation.reason
            elif isinstance(operation, RefuseRollbackWithRows):
                reason = operation.refusal(connection)
            elif not operation.reversible:
                reason = f"{operation.describe()} has no reverse"
            else:
                reason = None
            if reason:
                refusals.append(f"{migration.app_label}.{migration.name}: {reason}")
                break
    return refusals


def check_backward_plan(sender, plan=None, using="default", **kwargs) -> None:
    """pre_migrate receiver: refuse the whole plan before its first step (Django sends
    pre_migrate once per app with the same plan; checking it again is cheap)."""
    from django.db import connections

    refusals = backward_plan_refusals(plan, connections[using])
    if refusals:
        raise CommandError(
            "This rollback would stop part-way and leave tables dropped; nothing was changed.\n  "
            + "\n  ".join(refusals)
            + "\nSee README.md, 'Upgrade notes'."
        )
