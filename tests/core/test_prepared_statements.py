"""Repeated SELECTs run as server-side prepared statements (samspil/db.py): the same rows
and types as the text statement, never a spoilt transaction, schema changes forget them."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField, Value
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from samspil.db import PreparingConnection

pytestmark = pytest.mark.usefixtures("fresh_prepared_statements")


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'samspil_%%'")
        return [row[0] for row in cursor.fetchall()]


def run_twice(sql: str, params: list) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        first = cursor.fetchall()
        cursor.execute(sql, params)
        second = cursor.fetchall()
    return first, second


def test_the_connection_prepares_on_postgresql(postgres):
    connection.ensure_connection()
    assert isinstance(connection.connection, PreparingConnection)


def test_a_select_run_twice_is_prepared_and_answers_the_same(postgres):
    sql = "SELECT %s::int + 1, %s, %s, %s, %s, %s"
    params = [41, "tekst med 'citat' og %", dt.date(2026, 12, 7), None, True, Decimal("1.50")]
    first, second = run_twice(sql, params)
    assert first == second == [(42, "tekst med 'citat' og %", dt.date(2026, 12, 7), None, True, Decimal("1.50"))]
    assert any("$1::int + 1" in statement for statement in prepared_statements())


def test_named_parameters_are_prepared_too_one_number_per_name(postgres):
    sql = "SELECT %(a)s::int + %(b)s, %(a)s, %(text)s, '100%%', %(none)s"
    params = {"a": 41, "b": 1, "text": "x'y %(a)s", "none": None}
    with connection.cursor() as cursor:
        answers = []
        for _ in range(3):
            cursor.execute(sql, params)
            answers.append(cursor.fetchall())
    assert answers == [[(42, 41, "x'y %(a)s", "100%", None)]] * 3
    assert any("$1::int + $2, $1, $3, '100%'" in statement for statement in prepared_statements())


def test_a_missing_named_parameter_fails_as_without_preparing(postgres):
    with connection.cursor() as cursor:
        for _ in range(3):
            with pytest.raises(KeyError):
                cursor.execute("SELECT %(a)s, %(b)s", {"a": 1})


def own_connection():
    """A connection of samspil/db.py's own, in autocommit as the pages' reads run."""
    import psycopg2

    from samspil.db import PreparingCursor

    settings = connection.settings_dict
    raw = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        connection_factory=PreparingConnection,
        cursor_factory=PreparingCursor,
    )
    raw.autocommit = True
    return raw


def test_a_statement_marked_one_plan_runs_its_generic_plan_and_only_it(postgres):
    from samspil.db import ONE_PLAN

    raw = own_connection()
    try:
        with raw.cursor() as cursor:
            modes = []
            for _ in range(3):
                cursor.execute(f"SELECT current_setting('plan_cache_mode'), %s::int + 1 {ONE_PLAN}", [41])
                modes.append(cursor.fetchall())
            # As text first; prepared from the second run, under the forced generic plan.
            assert modes == [[("auto", 42)], [("force_generic_plan", 42)], [("force_generic_plan", 42)]]
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            assert cursor.fetchall() == [("auto",)]  # the setting ended with the statement
            cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements")
            assert cursor.fetchall() == [(2, 0)]
            # In a transaction SET LOCAL would outlast the statement: there it runs as any other.
            raw.autocommit = False
            cursor.execute(f"SELECT current_setting('plan_cache_mode'), %s::int + 1 {ONE_PLAN}", [41])
            assert cursor.fetchall() == [("auto", 42)]
            raw.rollback()
    finally:
        raw.close()


def test_a_statement_after_leading_white_space_and_with_lists_is_prepared(postgres):
    sql = "\n  SELECT %(day)s = ANY(%(days)s), %(id)s = ANY(%(ids)s)"
    params = {"day": dt.date(2026, 12, 24), "days": [dt.date(2026, 12, 24)], "id": 3, "ids": [1, 2]}
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(sql, params)
            assert cursor.fetchall() == [(True, False)]
    assert any("date[]" in statement and "bigint[]" in statement for statement in prepared_statements())


def test_a_parameter_in_the_select_list_keeps_its_type(postgres):
    # `SELECT %s` with 7 is an integer as text: declared bigint it stays a number.
    first, second = run_twice("SELECT %s, %s", [7, "7"])
    assert first == second == [(7, "7")]


def test_orm_values_and_annotations_are_the_same_prepared(postgres, org):
    def read():
        return list(
            User.objects.filter(email__contains="@")
            .annotate(one=Value(1, output_field=IntegerField()), yes=Value(True, output_field=BooleanField()))
            .order_by("pk")
            .values_list("pk", "email", "one", "yes")
        )

    first, second, third = read(), read(), read()
    assert first == second == third
    assert first and all(row[2] == 1 and row[3] is True for row in first)


def test_a_union_of_parenthesised_parts_is_prepared(postgres):
    sql = "(SELECT %s::int AS n LIMIT 1) UNION ALL (SELECT %s::int AS n LIMIT 1)"
    first, second = run_twice(sql, [1, 2])
    assert sorted(first) == sorted(second) == [(1,), (2,)]
    assert any("UNION ALL" in statement for statement in prepared_statements())


def test_the_same_text_with_other_parameter_types_is_another_statement(postgres):
    sql = "SELECT %s IS NOT DISTINCT FROM 3"
    assert run_twice(sql, [3]) == ([(True,)], [(True,)])
    # None has no type of its own: PostgreSQL cannot prepare it and it runs as text.
    assert run_twice(sql, [None]) == ([(False,)], [(False,)])


def test_an_unpreparable_statement_leaves_the_transaction_usable(postgres):
    with transaction.atomic():
        # A parameter whose type nothing tells: PREPARE fails inside its own savepoint.
        assert run_twice("SELECT %s IS NULL", [None]) == ([(True,)], [(True,)])
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 WHERE %s = %s", [1, 1])
            assert cursor.fetchall() == [(1,)]
    assert not any("$1 IS NULL" in statement for statement in prepared_statements())


def test_logged_sql_is_the_statement_not_execute(postgres):
    sql = "SELECT %s::text || 'x'"
    with CaptureQueriesContext(connection) as queries:
        run_twice(sql, ["a"])
    assert [query["sql"] for query in queries] == ["SELECT 'a'::text || 'x'"] * 2


def test_a_schema_change_forgets_the_prepared_statements(postgres):
    run_twice("SELECT %s::int", [1])
    assert prepared_statements()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE samspil_prepare_probe (id int)")
    assert prepared_statements() == []
    assert connection.connection.samspil_statements == {}


def test_writes_are_never_prepared(postgres, org):
    User.objects.filter(pk=org.member.pk).update(job_title="Et")
    User.objects.filter(pk=org.member.pk).update(job_title="To")
    assert not any(statement.lstrip().upper().startswith("UPDATE") for statement in prepared_statements())
    assert User.objects.get(pk=org.member.pk).job_title == "To"


def test_database_prepare_off_leaves_the_plain_connection():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='samspil.settings';"
        "from django.conf import settings;"
        "print(sorted(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", "DATABASE_PREPARE": "0"}
    off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    on = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DATABASE_PREPARE": "1"}, capture_output=True, text=True, check=True
    )
    assert "cursor_factory" not in off.stdout
    assert "'connection_factory', 'cursor_factory'" in on.stdout
