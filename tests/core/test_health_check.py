"""The persistent connection's health check (samspil/postgresql/base.py): it asks the
socket, not the server, and still finds a connection the server has ended, so Django
closes it before a request's first query and opens a new one instead of failing."""

from __future__ import annotations

import time

import psycopg2
import pytest
from django.db import connection

from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


def _other_connection():
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )
    other.autocommit = True
    return other


def _last_statement(other, pid: int) -> str:
    with other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


@pytest.fixture
def postgres_connection():
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    connection.ensure_connection()
    other = _other_connection()
    yield other
    other.close()
    connection.close()  # the test may have ended it: the next test opens its own


def test_a_healthy_connection_is_usable_without_a_round_trip(postgres_connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    pid = connection.connection.get_backend_pid()
    for _ in range(5):
        assert connection.is_usable()
    # The server saw no SELECT 1: its last statement is still the one above.
    assert _last_statement(postgres_connection, pid) == "SELECT 'the last statement'"


def test_a_connection_the_server_ended_is_not_usable(postgres_connection):
    pid = connection.connection.get_backend_pid()
    with postgres_connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()
