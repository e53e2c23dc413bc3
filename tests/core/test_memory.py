"""A web worker stays small (issue 19: every gunicorn worker ≤ 100 MB after serving every
page): what it imports at start-up and what it loads for a page. The figure itself is
measured by bench/run (worker VmRSS and VmHWM); what is deterministic is guarded here.

- Celery (with kombu, yaml, click), Pillow, defusedxml, `holidays` and Markdown are
  imported only where they are used (samspil/__init__.py, samspil/celery.py,
  stories/images.py, organisation/importer.py, samspil/daysoff.py, stories/rendering.py).
- fido2 (allauth's security keys) and sqlparse are loaded on first use
  (samspil/lazyimports.py) and still work when used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samspil.lazyimports import LAZY

ROOT = Path(__file__).resolve().parents[2]

# Imported at start-up until issue 19; none of them is needed to serve a page.
HEAVY = (
    "celery",
    "kombu",
    "yaml",
    "click",
    "billiard",
    "fido2",
    "cryptography.hazmat.bindings._rust",
    "PIL",
    "defusedxml",
    "holidays",
    "markdown",
    "xml.etree.ElementTree",
)

START_WORKER = """
import json, sys, types
import samspil.wsgi
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the first request loads them
{extra}
from samspil.lazyimports import LAZY
lazy = sorted(name for name in LAZY if name in sys.modules
              and type(sys.modules[name]) is not types.ModuleType)  # type(), not isinstance: that would load it
print(json.dumps({{"loaded": [name for name in {heavy!r} if name in sys.modules], "lazy": lazy}}))
"""


def run(code: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SAMSPIL_DEVTOOLS")}
    environment.update({"DJANGO_SETTINGS_MODULE": "samspil.settings", "PYTHONPATH": str(ROOT)})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_web_worker_starts_without_the_heavy_modules():
    # A second import of a lazy module reads its __spec__ only: still not loaded.
    found = run(START_WORKER.format(heavy=HEAVY, extra="import allauth.mfa.webauthn.internal.auth"))
    assert found["loaded"] == []
    # allauth and Django import them at their start; they are there, not yet loaded.
    assert found["lazy"] == sorted(LAZY)


def test_the_days_off_are_read_without_importing_holidays():
    extra = (
        "import datetime as dt\nfrom samspil import daysoff\n"
        "assert daysoff.closed_day(dt.date(2026, 12, 24)) == 'Juleaftensdag'\n"
        "assert not daysoff.is_working_day(dt.date(2027, 5, 6))"
    )
    assert run(START_WORKER.format(heavy=HEAVY, extra=extra))["loaded"] == []


def test_the_lazy_modules_work_when_used():
    extra = (
        "from allauth.mfa.webauthn.internal import auth\n"
        "rp = auth.PublicKeyCredentialRpEntity(id='samspil.test', name='Samspil')\n"
        "assert auth.Fido2Server(rp).rp.id == 'samspil.test'"
    )
    found = run(START_WORKER.format(heavy=HEAVY, extra=extra))
    assert "fido2" in found["loaded"]
    assert "allauth.mfa.webauthn.internal.auth" not in found["lazy"]


def test_a_story_body_is_rendered_with_markdown_loaded_then():
    extra = (
        "from stories.rendering import render_story_body\n"
        "assert 'markdown' not in sys.modules\n"
        "html = render_story_body('**Godt** [ud](https://example.org) <b>x</b>')\n"
        "assert html == ('<p><strong>Godt</strong> <a href=\"https://example.org\" '\n"
        "                'rel=\"noopener noreferrer nofollow\">ud</a> &lt;b&gt;x&lt;/b&gt;</p>'), html"
    )
    assert run(START_WORKER.format(heavy=HEAVY, extra=extra))["loaded"] == ["markdown", "xml.etree.ElementTree"]


def test_sql_scripts_are_split_when_sqlparse_is_loaded():
    """Django's `prepare_sql_script` (migrations' RunSQL on SQLite; PostgreSQL's sends the
    script whole) loads sqlparse when it runs."""
    extra = (
        "from django.db import connection\n"
        "from django.db.backends.base.operations import BaseDatabaseOperations\n"
        "assert type(sys.modules['sqlparse']) is not types.ModuleType\n"
        "sql = 'SELECT 1;' + chr(10) + '-- two' + chr(10) + 'SELECT 2;'\n"
        "script = BaseDatabaseOperations.prepare_sql_script(connection.ops, sql)\n"
        "assert script == ['SELECT 1;', 'SELECT 2;'], script\n"
        "assert type(sys.modules['sqlparse']) is types.ModuleType"
    )
    assert "sqlparse" not in run(START_WORKER.format(heavy=HEAVY, extra=extra))["lazy"]


def test_sending_a_task_brings_the_configured_app():
    """A tasks module takes shared_task from samspil/celery.py: the first task a web worker
    sends goes through Samspil's app (its broker and queue), not Celery's default app."""
    extra = (
        "from outbox.tasks import send_batch\nimport samspil\n"
        "assert send_batch.app is samspil.celery_app and send_batch.app.main == 'samspil'\n"
        "from django.conf import settings\n"
        "assert send_batch.app.conf.task_default_queue == settings.CELERY_TASK_DEFAULT_QUEUE\n"
        "from celery.app.utils import find_app\nassert find_app('samspil') is samspil.celery_app"
    )
    found = run(START_WORKER.format(heavy=HEAVY, extra=extra))
    assert "celery" in found["loaded"]


def test_the_beat_schedule_builds_its_crontabs():
    from celery.beat import ScheduleEntry
    from celery.schedules import crontab
    from django.conf import settings

    from samspil.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["stories-weekly-digest"]
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == set(range(6, 12))
    scheduled = ScheduleEntry(name="stories-weekly-digest", app=app, **entry)
    assert scheduled.is_due().next > 0


def test_a_task_acts_as_itself_in_the_audit_trail(settings):
    """The audit trail's actor during a task (samspil/celery.py connects it with the app)."""
    from audit import context
    from samspil.celery import app, shared_task

    settings.CELERY_TASK_ALWAYS_EAGER = True

    @shared_task(name="tests.memory.whoami")
    def whoami():
        return context.current().source

    assert app.tasks["tests.memory.whoami"].apply().get() == "task:tests.memory.whoami"
    assert context.current().source != "task:tests.memory.whoami"
