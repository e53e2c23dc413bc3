"""Shared fixtures: the roles, the real services, the browser.

On a laptop, a test that needs PostgreSQL, Redis or Chromium skips with a reason.
In CI, SAMSPIL_REQUIRE_SERVICES=1 turns every skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("SAMSPIL_REQUIRE_SERVICES", "") not in ("", "0")


def _allow_test_flush(sender, connection, **kwargs) -> None:
    """The code register refuses TRUNCATE (codex migration 0006), except in a test database
    whose session asks: a transactional test's flush empties every table with TRUNCATE."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET samspil.allow_truncate = 'on'")


def _connect_test_flush() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_allow_test_flush, dispatch_uid="samspil-test-flush")


_connect_test_flush()


def require(condition: bool, reason: str) -> None:
    """Skip (laptop) or fail (CI) when a real service the test needs is missing."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every service must run: {report.longrepr}"


def redis_available() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis"):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache (rate limits live there) and its own media folder.

    A fresh key prefix rather than cache.clear(): on Redis, clear() is FLUSHDB, which would
    also empty the cache of any other test run sharing the server.
    """
    import uuid

    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in settings.CACHES.items()
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")


def mark_second_factor(session, user) -> None:
    """Record in `session` that `user` passed password and second factor in this login, as
    allauth's own login flow does (allauth.account.internal.flows.login.record_authentication)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    now = time.time()
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now},
        {"method": "mfa", "type": "totp", "at": now},
    ]


def without_second_factor(client):
    """The client's session as if its login never passed the second factor (tests of refusal)."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
    session.save()
    return client


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """force_login (and Client.login) stand for a complete login: password and, for the roles
    that must use it, the second factor (accounts/middleware.py). Without this every test of
    an administrator, director, chair or centre head would first have to enrol and log in
    through the two-factor step. Tests of the refusal use `without_second_factor(client)`;
    tests/security/ logs in through the real forms instead.
    """
    from django.test import Client

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mark_second_factor(session, user)
        session.save()

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture
def postgres(db):
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def fresh_prepared_statements(db):
    """The connection's prepared statements (samspil/db.py) forgotten: the connection
    outlives a test, and a test that reads pg_prepared_statements sees only its own."""
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        connection.connection.samspil_forget()


@pytest.fixture
def org(db) -> factories.Org:
    """A small municipality with one person in every role, plus strangers."""
    return factories.build_org()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


# --- Email through a real SMTP server --------------------------------------------------


class SMTPInbox:
    def __init__(self):
        self.messages: list = []
        self.sessions: set = set()  # the client address of each SMTP connection that sent mail

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.sessions.add(session.peer)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 20.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback; Django's SMTP backend sends to it."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    inbox.url = f"smtp://127.0.0.1:{port}"
    yield inbox
    controller.stop()


# --- A real Celery worker on Redis -----------------------------------------------------


@pytest.fixture
def celery_worker_process(transactional_db, smtp_server):
    """Start `celery worker` (and nothing else) against Redis and the test database.

    Yields a function that (re)starts the worker, so tests can kill it mid-batch; called again
    with another `name`, it starts a second worker on the same queue.
    """
    require(redis_available(), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    from django.db import connection

    require(connection.vendor == "postgresql", "the worker shares the test database: needs PostgreSQL")
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SAMSPIL_TESTING": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": smtp_server.url,
        "CELERY_QUEUE": queue,
    }
    from samspil.celery import app as celery_app

    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    processes: list[subprocess.Popen] = []

    def start(concurrency: int = 1, name: str = "") -> subprocess.Popen:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "samspil",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "-Q",
                queue,
                "-n",
                f"{queue}{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        deadline = time.monotonic() + 60
        for line in process.stdout:
            if "ready." in line:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")
        return process

    start.queue = queue
    start.env = env
    yield start
    celery_app.conf.update(saved)
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


# --- A real browser --------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    require(
        shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.base_url = live_server.url
    page.dialogs = dialogs
    yield page
    context.close()
    assert not dialogs, f"a page opened a script dialog: {dialogs}"


def _enrol_for_browser_login(email: str) -> str | None:
    """A person whose role must use two-factor (accounts/middleware.py) and who has not
    enrolled is enrolled here, so the browser login can pass the second step; returns the
    secret. A test that enrolled the person itself handles the second step itself (None)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.middleware import must_use_second_factor
    from accounts.models import User

    user = User.objects.filter(email=email.lower()).first()
    if user is None or not must_use_second_factor(user):
        return None
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return None
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(page, email: str, password: str = factories.PASSWORD) -> None:
    """Log in through the real form; the roles that must use two-factor pass its step too."""
    secret = _enrol_for_browser_login(email)
    page.goto(page.base_url + "/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form[action$='/konto/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    if secret is not None and "/konto/2fa/authenticate/" in page.url:
        page.fill("input[name=code]", totp_code(secret))
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")


AXE_JS = (ROOT / "tests" / "vendor" / "axe.min.js").read_text()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return the serious findings."""
    # Evaluated through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE_JS)
    # Only the violations cross back from the browser: the passes are most of axe's answer.
    violations = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": v["nodes"][:5]}
        for v in violations
        if v["impact"] in impacts
    ]
