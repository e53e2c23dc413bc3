"""The backup and restore scripts round-trip a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _row_counts(url: str) -> dict[str, int]:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            # Table names come from pg_tables, not from input.
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


@pytest.mark.postgres
def test_backup_and_restore_round_trip_into_a_second_database(transactional_db, tmp_path):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")
    require(shutil.which("pg_dump") is not None, "needs pg_dump and pg_restore (postgresql-client)")
    from organisation import demo

    demo.load({})
    source = _url(settings.DATABASES["default"]["NAME"])
    copy_name = f"{settings.DATABASES['default']['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
        cursor.execute(f'CREATE DATABASE "{copy_name}"')
    try:
        env = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": str(tmp_path / "media")}
        (tmp_path / "media" / "imports").mkdir(parents=True)
        (tmp_path / "media" / "imports" / "a.csv").write_text("navn\nx\n")
        out = subprocess.run(
            [ROOT / "bin" / "backup", tmp_path / "backups"], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        dump = Path(out)
        media = next((tmp_path / "backups").glob("media-*.tar.gz"))
        restore_env = {**env, "DATABASE_URL": _url(copy_name), "MEDIA_ROOT": str(tmp_path / "restored-media")}
        subprocess.run([ROOT / "bin" / "restore", dump, media], env=restore_env, check=True, capture_output=True)
        original, restored = _row_counts(source), _row_counts(_url(copy_name))
        assert original == restored
        assert original["organisation_workplace"] == 40
        assert (tmp_path / "restored-media" / "imports" / "a.csv").read_text() == "navn\nx\n"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
