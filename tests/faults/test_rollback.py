"""Issue 15, point 5: safe migrations, on PostgreSQL with the demo data.

The previous release is fixed here: the migration heads of commit d4069c2. Every
migration added since (this branch's and other branches') is unapplied and applied
again by the first test, so a new migration is exercised without editing this file.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samspil.migration_safety import backward_plan_refusals

# (app, migration) heads of the previous release, commit d4069c2. An app missing here did
# not exist then, and is unapplied completely.
PREVIOUS_RELEASE = {
    "accounts": "0002_user_name_order",
    "agreements": "0001_initial",
    "audit": "0001_initial",
    "codex": "0005_remove_signature_personal_fields",
    "coverage": "0002_data_version",
    "meetings": "0005_meeting_ends_index",
    "organisation": "0002_workplace_kinds",
    "stories": "0001_initial",
}

pytestmark = pytest.mark.django_db(transaction=True)


def _row_counts(tables: set[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def _previous_release_targets(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    apps_with_migrations = {app for app, _name in executor.loader.graph.leaf_nodes()}
    targets = []
    for app in sorted(apps_with_migrations):
        if app in PREVIOUS_RELEASE:
            targets.append((app, PREVIOUS_RELEASE[app]))
        elif app not in {"contenttypes", "auth", "sessions", "admin", "account", "mfa", "socialaccount"}:
            targets.append((app, None))  # new since the previous release
    return targets


@pytest.fixture
def demo_data(postgres):
    call_command("demo", stdout=io.StringIO())
    yield
    # Whatever happened, leave the database at the latest migrations for the next test.
    call_command("migrate", verbosity=0)


def test_a_rollback_to_the_previous_release_and_back_keeps_every_row(demo_data):
    from organisation.models import Membership

    # The previous release has no committee secretary (cases): those memberships are the one
    # thing it cannot hold, so an operator removes them first (README, upgrade notes; the
    # migration refuses otherwise, `test_..._secretaries_refuse_the_rollback`).
    # Likewise the MED contacts (organisation 0006).
    Membership.objects.filter(role__in=["committee_secretary", "med_contact"]).delete()
    executor = MigrationExecutor(connection)
    targets = _previous_release_targets(executor)
    plan = executor.migration_plan(targets)
    backwards = [migration for migration, is_backwards in plan if is_backwards]
    assert backwards, "nothing to roll back: the test would prove nothing"
    assert backward_plan_refusals(plan, connection) == []
    tables_now = set(connection.introspection.table_names())
    before = _row_counts(tables_now)
    assert sum(before.values()) > 1000  # the demo municipality

    executor.migrate(targets, plan=plan)

    tables_then = set(connection.introspection.table_names())
    kept = tables_now & tables_then
    # Every table of the previous release keeps its rows (django_migrations lists fewer).
    data = kept - {"django_migrations"}
    assert _row_counts(data) == {table: before[table] for table in data}
    # The previous release's own outboxes, which today's one outbox replaced, come back.
    assert tables_then - tables_now == {
        "meetings_calendarmessage",
        "meetings_reminder",
        "stories_digestoutbox",
        "agreements_deadlinereminder",
        "coverage_digestdelivery",
        "codex_reminderemail",
    }

    call_command("migrate", verbosity=0)
    assert set(connection.introspection.table_names()) == tables_now
    assert _row_counts(kept) == {table: before[table] for table in kept}
    # The text bounds' constraints are back (the migration forwards ran again).
    from meetings.models import Meeting

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Meeting._meta.db_table)
    assert "meetings_meeting_purpose_length" in constraints


def test_a_rollback_below_an_irreversible_migration_is_refused_before_anything_is_dropped(demo_data):
    tables = set(connection.introspection.table_names())
    counts = _row_counts(tables)
    with pytest.raises(CommandError) as refused:
        call_command("migrate", "organisation", "0001", verbosity=0)
    message = str(refused.value)
    assert "nothing was changed" in message
    assert "codex.0005_remove_signature_personal_fields" in message
    assert set(connection.introspection.table_names()) == tables
    assert _row_counts(tables) == counts


def test_the_calendar_outbox_is_not_dropped_while_it_holds_rows(demo_data):
    import datetime as dt

    from django.utils import timezone

    from meetings.models import Participant
    from outbox.services import enqueue

    # A calendar email still waiting in the one outbox; rolling meetings back carries it
    # into the old table (meetings 0006), which 0004 must then not drop.
    participant = Participant.objects.select_related("meeting").filter(meeting__starts_at__gt=timezone.now()).first()
    meeting = participant.meeting
    enqueue(
        family="meetings.calendar",
        key=f"meetings.calendar:{meeting.pk}:{participant.person_id}:{meeting.sequence + 1}:REQUEST",
        recipient=participant.person_id,
        params={"meeting": meeting.pk, "sequence": meeting.sequence + 1, "method": "REQUEST"},
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    tables = set(connection.introspection.table_names())
    counts = _row_counts(tables)
    with pytest.raises(CommandError) as refused:
        call_command("migrate", "meetings", "0003", verbosity=0)
    assert "meetings.0004_calendars_reminders" in str(refused.value)
    assert "would send every due reminder again" in str(refused.value)
    assert _row_counts(tables) == counts


def test_every_migration_reverses_or_says_why_not_in_its_own_text():
    """Each migration either has only reversible operations or its docstring/comments and
    an operation say it cannot be reversed (README, upgrade notes, lists the same)."""
    from django.db.migrations.loader import MigrationLoader

    from samspil.migration_safety import Irreversible

    loader = MigrationLoader(None, ignore_no_migrations=True)
    silent = []
    for (app, name), migration in loader.disk_migrations.items():
        if migration.__module__.split(".")[0] not in PREVIOUS_RELEASE and app not in PREVIOUS_RELEASE:
            continue
        irreversible = [op for op in migration.operations if not op.reversible]
        if irreversible and not any(isinstance(op, Irreversible) for op in migration.operations):
            silent.append(f"{app}.{name}")
    assert not silent, f"irreversible without saying why: {silent}"


def test_committee_secretaries_refuse_the_rollback_below_their_role(db, postgres):
    """Going back below organisation 0003 with a secretary membership is refused with the
    reason (the old role list cannot hold it), before the constraint is changed."""
    from importlib import import_module

    from django.apps import apps as live_apps

    from organisation.models import Committee, Membership
    from tests.factories import UserFactory

    migration = import_module("organisation.migrations.0003_committee_secretary")
    Membership.objects.create(
        person=UserFactory(), role="committee_secretary", committee=Committee.objects.create(name="U", slug="u")
    )
    with pytest.raises(CommandError) as refused:
        migration.refuse_with_secretaries(live_apps, None)
    assert "committee secretary" in str(refused.value)


def test_med_contacts_refuse_the_rollback_below_their_role(db, postgres):
    """Going back below organisation 0006 with a MED contact membership is refused with the
    reason, before the constraint is changed."""
    from importlib import import_module

    from django.apps import apps as live_apps

    from organisation.models import Membership
    from tests.factories import UserFactory, WorkplaceFactory

    migration = import_module("organisation.migrations.0006_membership_med_contact")
    Membership.objects.create(person=UserFactory(), role="med_contact", workplace=WorkplaceFactory())
    with pytest.raises(CommandError) as refused:
        migration.refuse_with_med_contacts(live_apps, None)
    assert "MED contact" in str(refused.value)
