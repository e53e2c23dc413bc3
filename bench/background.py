"""The background half of the benchmark (bench/README.md, "Background work").

    python bench/background.py OUT_DIR

1. **Reminders**: 10,000 due reminders (`BENCH_REMINDERS`) are scanned and sent by
   `BENCH_WORKERS` real Celery workers (Redis broker) into a local SMTP server (aiosmtpd in
   this process), which counts every message by Message-ID and by (recipient, meeting):
   each reminder must arrive exactly once.
2. **Publishing a code version** to everyone concerned (60,000 people at scale 1): one POST
   to the real publish view on gunicorn, then the time until the worker's fan-out has put
   every "please sign" email in the outbox (`outbox.Email` rows).
3. **Recovery** (`recovery` in BENCH_PARTS): `BENCH_RECOVERY_REMINDERS` (2,000) due
   reminders on a Redis of its own (a `redis-server` on a free port, never the shared one):
   mid-send the worker is SIGKILLed, then that Redis is killed and restarted empty, then the
   worker restarted, with a beat scan every `OUTBOX_SCAN_SECONDS` in this process. Reported:
   the delay from the kill until the last reminder arrives, duplicates and missing.

Both run on a throw-away copy of the benchmark database (`CREATE DATABASE … TEMPLATE`,
dropped at the end): a published code version is immutable and cannot be taken back, and
the reminder meetings should not stay in the data the pages are measured on, so every run
starts from the same state.

Environment (bench/run sets it): BENCH_DATABASE_URL (the source), REDIS_URL,
BENCH_WORKERS (1), BENCH_WORKER_CONCURRENCY (1), BENCH_SERVERS (1), BENCH_PORTS
("8305,8306"), BENCH_SMTP_PORT (8325), BENCH_REMINDERS (10000), BENCH_PARTS
("reminders,recovery,publish"), BENCH_QUEUE ("samspil-bench"), BENCH_RECOVERY_REMINDERS (2000).
"""

from __future__ import annotations

import collections
import datetime as dt
import importlib.util
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
MARK = "Benchmark-påmindelse"  # title prefix of the meetings made here


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The throw-away database ---------------------------------------------------------------


def clone_database(source_url: str) -> str:
    import psycopg2

    url = urllib.parse.urlparse(source_url)
    source = url.path.lstrip("/")
    target = f"{source}_background"
    conn = psycopg2.connect(url._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        # Needs no other session on the source: bench/run stops its gunicorn first.
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    conn.close()
    return url._replace(path=f"/{target}").geturl()


def drop_database(url_string: str) -> None:
    import psycopg2

    url = urllib.parse.urlparse(url_string)
    conn = psycopg2.connect(url._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{url.path.lstrip("/")}"')
    conn.close()


# --- The SMTP server that counts -----------------------------------------------------------


class Inbox:
    """Counts every accepted message by Message-ID and by (recipient, subject)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_id: collections.Counter = collections.Counter()
        self.by_recipient_subject: collections.Counter = collections.Counter()
        self.first = self.last = None
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser().parsebytes(envelope.content)
        message_id = str(headers.get("Message-ID", ""))
        subject = str(headers.get("Subject", ""))
        now = time.perf_counter()
        with self.lock:
            self.count += 1
            self.by_id[message_id] += 1
            for recipient in envelope.rcpt_tos:
                self.by_recipient_subject[(recipient, subject)] += 1
            self.first = self.first or now
            self.last = now
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.by_id.clear()
            self.by_recipient_subject.clear()
            self.first = self.last = None
            self.count = 0


# --- Processes -----------------------------------------------------------------------------


class Processes:
    def __init__(self, env: dict):
        self.env = env
        self.running: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.servers: list[subprocess.Popen] = []

    def worker(self, name: str, concurrency: int) -> subprocess.Popen:
        log = open(Path(self.env["SAMSPIL_VAR_DIR"]) / f"celery-{name}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 (our own venv's celery)
            [
                str(BIN / "celery"),
                "-A",
                "samspil",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "-Q",
                self.env["CELERY_QUEUE"],
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append(process)
        self.workers.append(process)
        return process

    def server(self, port: int) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 (our own venv's gunicorn)
            [
                str(BIN / "gunicorn"),
                "samspil.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(Path(self.env["SAMSPIL_VAR_DIR"]) / f"gunicorn-background-{port}.log"),
            ],
            cwd=ROOT,
            env=self.env,
        )
        self.running.append(process)
        self.servers.append(process)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        return process

    def wait_ready(self, timeout: float = 60) -> None:
        """Ask the workers over the broker whether they are up."""
        from samspil.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if len(replies) >= len(self.workers):
                return
        raise SystemExit("the Celery workers did not start (see bench/var/celery-*.log)")

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()
        self.workers.clear()
        self.servers.clear()


def rss(pid: int) -> list[dict]:
    """RSS of a process's children (Celery's pool processes, gunicorn's workers)."""
    bench = _load_bench()
    return bench.worker_rss(pid)


def wait_until(condition, timeout: float, poll: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True


# --- 1. Reminders --------------------------------------------------------------------------


def make_due_reminders(count: int, per_meeting: int = 4, mark: str = MARK) -> int:
    """Meetings starting in 2–20 hours (inside the 1-day reminder's window), each with
    `per_meeting` participants chosen from the people with an email address, bulk-created
    like the scale data (no invitations: those are not what is measured)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from meetings.models import Meeting, MeetingKind, Participant

    User = get_user_model()
    meetings_needed = -(-count // per_meeting)
    people = list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)[: meetings_needed * per_meeting]
    )
    kind = MeetingKind.objects.order_by("pk").first()
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                kind=kind,
                title=f"{mark} {n}",
                starts_at=now + dt.timedelta(hours=2, seconds=n * 25),
                ends_at=now + dt.timedelta(hours=4, seconds=n * 25),
                place="Rådhuset",
                organiser_id=people[n],
            )
            for n in range(meetings_needed)
        ],
        batch_size=1000,
    )
    participants = []
    for n, meeting in enumerate(meetings):
        for k in range(per_meeting):
            if len(participants) == count:
                break
            participants.append(
                Participant(
                    meeting=meeting,
                    person_id=people[(n * per_meeting + k) % len(people)],
                    role=Participant.MeetingRole.GUEST,
                )
            )
    Participant.objects.bulk_create(participants, batch_size=2000)
    return len(participants)


def set_aside_waiting_emails() -> int:
    """What is due in the scale data itself (its own meetings of the coming week, minutes
    missing, invitations) is recorded first and set aside, so a measurement sends exactly ours."""
    from meetings.calendars import reminders
    from outbox.models import Email

    reminders.record_due()
    return Email.objects.filter(outcome=Email.Outcome.PENDING).update(
        outcome=Email.Outcome.SKIPPED, last_error="bench: set aside"
    )


def our_reminders():
    from meetings.models import Meeting
    from outbox.models import Email

    topics = [
        f"meetings.meeting:{pk}" for pk in Meeting.objects.filter(title__startswith=MARK).values_list("pk", flat=True)
    ]
    return Email.objects.filter(family="meetings.reminder", topic__in=topics)


def measure_reminders(inbox: Inbox, count: int, timeout: float) -> dict:
    from meetings.tasks import scan_reminders
    from outbox.tasks import scan as outbox_scan

    set_aside = set_aside_waiting_emails()
    made = make_due_reminders(count)
    inbox.reset()
    started = time.perf_counter()
    scan = scan_reminders()  # enqueues them; the commit kicks a batch
    outbox_scan()  # the beat's scan: batches for every worker
    scanned = time.perf_counter()
    arrived = wait_until(lambda: inbox.count >= made, timeout)
    finished = inbox.last or time.perf_counter()
    wait_until(lambda: not our_reminders().filter(outcome="pending").exists(), 30, 0.2)
    time.sleep(2)  # a duplicate, if any, has time to arrive
    outcomes = collections.Counter(our_reminders().values_list("outcome", flat=True))
    reminder_ids = [key for key in inbox.by_id if key.startswith("<meetings.reminder-")]
    elapsed = finished - started
    return {
        "reminders": made,
        "set_aside_from_scale_data": set_aside,
        "scan": scan,
        "scan_seconds": round(scanned - started, 2),
        "all_arrived": arrived,
        "seconds": round(elapsed, 2),
        "emails_per_second": round(inbox.count / elapsed, 1) if elapsed else None,
        "smtp_messages": inbox.count,
        "distinct_message_ids": len(reminder_ids),
        "duplicate_message_ids": sum(1 for key in reminder_ids if inbox.by_id[key] > 1),
        "distinct_recipient_meeting": len(inbox.by_recipient_subject),
        "duplicate_recipient_meeting": sum(1 for n in inbox.by_recipient_subject.values() if n > 1),
        "outcomes": dict(outcomes),
        "exactly_once": inbox.count == made == len(reminder_ids) == len(inbox.by_recipient_subject)
        and all(n == 1 for n in inbox.by_id.values()),
    }


# --- 3. Recovery: a worker killed, Redis killed ------------------------------------------


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL a worker and its pool processes: nothing gets to clean up."""
    import contextlib
    import signal

    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == process.pid:
            children.append(int(stat.parent.name))
    for pid in [*children, process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def _use_broker(app, url: str) -> None:
    """Point this process's Celery app at another broker (new connection and producer pools)."""
    # Not closed: kombu keeps one pool per broker URL for the whole process, and the old
    # broker's pool is the one this app returns to afterwards.
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


class OwnRedis:
    """A redis-server of the measurement's own on a free port: the shared one is never touched."""

    def __init__(self):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def up() -> bool:
            try:
                return bool(client.ping())
            except Exception:
                return False

        if not wait_until(up, 10, 0.05):
            raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def measure_recovery(inbox: Inbox, count: int, timeout: float) -> dict:
    """Kill the worker mid-send, kill Redis, bring both back; the beat's scan (a thread here,
    every OUTBOX_SCAN_SECONDS) finds what was stranded. Reported: seconds from the kill
    until the last reminder arrived, duplicates and missing."""
    from django.conf import settings
    from django.db import connection

    from meetings.tasks import scan_reminders
    from outbox.tasks import scan as outbox_scan
    from samspil.celery import app

    mark = f"{MARK} recovery"
    redis_server = OwnRedis()
    redis_server.start()
    processes = Processes({**os.environ, "REDIS_URL": redis_server.url})
    saved_broker = app.conf.broker_url
    _use_broker(app, redis_server.url)
    stop = threading.Event()
    scan_failures = [0]

    def beat() -> None:
        try:
            while not stop.wait(settings.OUTBOX_SCAN_SECONDS):
                try:
                    outbox_scan()
                except Exception:  # Redis is down: the next tick tries again
                    scan_failures[0] += 1
        finally:
            connection.close()

    ticker = threading.Thread(target=beat, daemon=True)
    try:
        set_aside_waiting_emails()
        processes.worker("bench-recovery-worker", 1)
        processes.wait_ready()
        made = make_due_reminders(count, mark=mark)
        inbox.reset()
        ticker.start()
        scan_reminders()  # enqueued; the commit kicks a batch
        wait_until(lambda: inbox.count >= made // 5, timeout)
        _kill_tree(processes.workers[0])
        killed = time.perf_counter()
        sent_before_kill = inbox.count
        redis_server.kill()
        time.sleep(5)  # Redis away: kicks and scans fail
        redis_server.start()  # back, empty: every queued message is gone
        processes.workers.clear()
        processes.worker("bench-recovery-worker-2", 1)
        arrived = wait_until(lambda: inbox.count >= made, timeout)
        time.sleep(3)  # a duplicate, if any, has time to arrive
        ids = [key for key in inbox.by_id if key.startswith("<meetings.reminder-")]
        return {
            "reminders": made,
            "sent_before_kill": sent_before_kill,
            "all_arrived": arrived,
            "seconds_from_kill_to_last": round((inbox.last or time.perf_counter()) - killed, 1),
            "duplicates": sum(inbox.by_id[key] - 1 for key in ids),
            "missing": made - len(ids),
            "scans_failed_while_redis_was_down": scan_failures[0],
            "claim_seconds": settings.OUTBOX_CLAIM_SECONDS,
            "scan_seconds": settings.OUTBOX_SCAN_SECONDS,
        }
    finally:
        stop.set()
        if ticker.is_alive():
            ticker.join(timeout=30)
        processes.stop()
        redis_server.kill()
        _use_broker(app, saved_broker)


# --- 2. Publishing a code version ----------------------------------------------------------


def measure_publish(base_urls: list[str], timeout: float) -> dict:
    from django.contrib.auth import get_user_model

    from codex import services
    from codex.models import CodeVersion, ReminderRound
    from outbox.models import Email

    User = get_user_model()
    admin = User.objects.get(email="admin@samspil.example")
    current = CodeVersion.objects.filter(published_at__isnull=False).order_by("-number").first()
    draft = services.version_create_draft(created_by=admin, source=current)
    opener = admin_opener(admin)
    base = base_urls[0]
    page_url = f"{base}/kodeks/administration/{draft.pk}/forhaandsvisning/"
    for _ in range(6):  # warm-up: both of the server's workers have imported everything
        html = opener.open(page_url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    publish_url = f"{base}/kodeks/administration/{draft.pk}/udgiv/"
    request = urllib.request.Request(  # noqa: S310 (http on loopback)
        publish_url, data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(), headers={"Referer": page_url}
    )
    started = time.perf_counter()
    try:
        opener.open(request)
        status = 200
    except urllib.error.HTTPError as exc:  # the redirect after publishing
        status = exc.code
    answered = time.perf_counter()
    draft.refresh_from_db()
    if draft.published_at is None:
        raise SystemExit(f"publishing answered {status} but the version is not published")

    def fanned_out() -> bool:
        return ReminderRound.objects.filter(version=draft, fanned_out_at__isnull=False).exists()

    done = wait_until(fanned_out, timeout, 0.1)
    queued_at = time.perf_counter()
    reminder_round = ReminderRound.objects.get(version=draft, number=0)
    outbox = Email.objects.filter(topic=services.reminder_topic(reminder_round.pk)).count()
    return {
        "version": draft.number,
        "status": status,
        "request_ms": round((answered - started) * 1000, 1),
        "fan_out_done": done,
        "recipients": reminder_round.recipients,
        "outbox_rows": outbox,
        "seconds_until_all_queued": round(queued_at - started, 2),
        # Time the fan-out task itself took, from the round's creation (in the request).
        "fan_out_seconds": round((reminder_round.fanned_out_at - reminder_round.created_at).total_seconds(), 2),
    }


def admin_opener(admin):
    """An HTTP client with the administrator's session. The administration pages need
    two-factor authentication: on this throw-away copy the administrator is enrolled in
    TOTP and the session is made in-process (sessions live in the database and Redis, which
    the servers share), so no code has to be typed."""
    import http.cookiejar

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.test import Client

    bench = _load_bench()
    if not admin.authenticator_set.exists():
        TOTP.activate(admin, generate_totp_secret())
    client = Client()
    # The session records the passed second factor as allauth's login would (bench.login):
    # without it the administration pages send the administrator to the second-factor step.
    bench.login(client, admin)
    jar = http.cookiejar.CookieJar()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            settings.SESSION_COOKIE_NAME,
            session,
            None,
            False,
            "127.0.0.1",
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), bench.NoRedirect)


# --- Main ----------------------------------------------------------------------------------


def run(out_dir: str) -> dict:
    workers = int(os.environ.get("BENCH_WORKERS", "1"))
    concurrency = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "1"))
    servers = int(os.environ.get("BENCH_SERVERS", "1"))
    ports = [int(p) for p in os.environ.get("BENCH_PORTS", "8305,8306").split(",")][:servers]
    smtp_port = int(os.environ.get("BENCH_SMTP_PORT", "8325"))
    count = int(os.environ.get("BENCH_REMINDERS", "10000"))
    parts = {p.strip() for p in os.environ.get("BENCH_PARTS", "reminders,recovery,publish").split(",")}
    source = os.environ.get("BENCH_DATABASE_URL") or os.environ["DATABASE_URL"]
    print(f"Background work: copying {urllib.parse.urlparse(source).path.lstrip('/')} …", flush=True)
    database_url = clone_database(source)
    # One fixed queue name, purged before and after: a run killed half-way leaves nothing
    # that the next run's workers would pick up.
    queue = os.environ.get("BENCH_QUEUE", "samspil-bench")
    os.environ.update(
        DATABASE_URL=database_url,
        CELERY_QUEUE=queue,
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    os.environ.setdefault("SAMSPIL_VAR_DIR", str(ROOT / "bench" / "var"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from aiosmtpd.controller import Controller

    from samspil.celery import app

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    processes = Processes(dict(os.environ))
    report: dict = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "workers": workers,
        "worker_concurrency": concurrency,
        "servers": len(ports),
        "load_before": os.getloadavg(),
    }
    app.control.purge()
    for old_log in Path(processes.env["SAMSPIL_VAR_DIR"]).glob("celery-bench-worker-*.log"):
        old_log.unlink()  # per_worker_counts reads this run's logs only
    try:
        for n in range(workers):
            processes.worker(f"bench-worker-{n + 1}", concurrency)
        processes.wait_ready()
        if "reminders" in parts:
            print(f"  reminders: {count} due, {workers} worker(s) × concurrency {concurrency} …", flush=True)
            report["reminders"] = measure_reminders(inbox, count, timeout=600)
            report["reminders"]["per_worker"] = per_worker_counts(processes)
            print("  " + json.dumps(report["reminders"]), flush=True)
        report["celery_rss"] = [w for p in processes.workers for w in rss(p.pid)]
        if "recovery" in parts:
            recovery_count = int(os.environ.get("BENCH_RECOVERY_REMINDERS", "2000"))
            print(f"  recovery: {recovery_count} reminders, worker and Redis killed mid-send …", flush=True)
            report["recovery"] = measure_recovery(inbox, recovery_count, timeout=600)
            print("  " + json.dumps(report["recovery"]), flush=True)
        if "publish" in parts:
            for port in ports:
                processes.server(port)
            print("  publishing a code version …", flush=True)
            report["publish"] = measure_publish([f"http://127.0.0.1:{p}" for p in ports], timeout=900)
            print("  " + json.dumps(report["publish"]), flush=True)
        report["load_after"] = os.getloadavg()
    finally:
        processes.stop()
        app.control.purge()  # the publish's send batches, which are not measured here
        controller.stop()
        from django.db import connections

        connections.close_all()
        drop_database(database_url)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "background.json").write_text(json.dumps(report, indent=2))
    (out / "background.md").write_text(markdown(report))
    # The page run's files (bench/run writes them first) get the background figures too.
    results = out / "results.json"
    if results.exists():
        pages = json.loads(results.read_text())
        pages["background"] = report
        results.write_text(json.dumps(pages, indent=2))
        (out / "results.md").write_text(bench_markdown(pages) + "\n" + markdown(report))
    print(markdown(report))
    return report


def bench_markdown(pages: dict) -> str:
    return _load_bench().markdown(pages)


def per_worker_counts(processes: Processes) -> dict:
    """Reminders sent by each worker, from its log ("… succeeded in 0.4s: {'sent': 50}"):
    the rows do not record which worker sent them."""
    import ast

    counts = {}
    pattern = re.compile(r"send_batch\[[^\]]+\] succeeded in [\d.]+s: (\{.*\})")
    for log in sorted(Path(processes.env["SAMSPIL_VAR_DIR"]).glob("celery-bench-worker-*.log")):
        counts[log.stem.removeprefix("celery-")] = sum(
            ast.literal_eval(match.group(1)).get("sent", 0) for match in pattern.finditer(log.read_text())
        )
    return counts


def markdown(report: dict) -> str:
    lines = [
        f"Background work, {report['when']}: {report['workers']} Celery worker(s) × concurrency"
        f" {report['worker_concurrency']}, {report['servers']} gunicorn server(s);"
        f" load average before {report['load_before'][0]:.2f}.",
        "",
    ]
    if r := report.get("reminders"):
        lines += [
            "| reminders | seconds | emails/s | at the SMTP server | distinct Message-IDs | duplicates"
            " | exactly once |",
            "|--:|--:|--:|--:|--:|--:|---|",
            f"| {r['reminders']} | {r['seconds']} | {r['emails_per_second']} | {r['smtp_messages']}"
            f" | {r['distinct_message_ids']} | {r['duplicate_message_ids'] + r['duplicate_recipient_meeting']}"
            f" | {'yes' if r['exactly_once'] else 'NO'} |",
            "",
        ]
    if r := report.get("recovery"):
        lines += [
            "| recovery: reminders | sent before the kill | s from kill to last | duplicates | missing |",
            "|--:|--:|--:|--:|--:|",
            f"| {r['reminders']} | {r['sent_before_kill']} | {r['seconds_from_kill_to_last']}"
            f" | {r['duplicates']} | {r['missing']} |",
            "",
        ]
    if p := report.get("publish"):
        lines += [
            "| publish: people | request ms | fan-out s | until all queued s |",
            "|--:|--:|--:|--:|",
            f"| {p['recipients']} | {p['request_ms']} | {p['fan_out_seconds']} | {p['seconds_until_all_queued']} |",
            "",
        ]
    if report.get("celery_rss"):
        lines.append(
            "Celery pool RSS: "
            + ", ".join(f"{w['rss_mb']} MB (peak {w['peak_rss_mb']} MB)" for w in report["celery_rss"])
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    run(sys.argv[1])
