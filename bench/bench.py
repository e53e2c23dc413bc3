"""The benchmark's two halves (bench/run calls both; bench/README.md explains the figures).

    python bench/bench.py prepare OUT.json   # in-process: pick URLs, count SQL queries per page
    python bench/bench.py load TARGETS.json BASE_URL[,BASE_URL] MASTER_PID[,PID] OUT_DIR  # HTTP load on gunicorn
    python bench/bench.py explain TARGETS.json [PAGE ...]  # slowest queries with EXPLAIN ANALYZE
    python bench/bench.py profile TARGETS.json [PAGE ...]  # ms per layer: middleware, view, template, SQL

`prepare` runs inside Django against the benchmark database: it chooses each page's URL
and role, and requests every page twice with the Django test client under
CaptureQueriesContext; the second (warm-cache) count is the page's query count, as the
served workers run with a warm Redis cache too. `load` uses only the standard library:
one cookie jar per role, logged in through the real login form (CSRF token from the
page), then a fixed number of requests per page at concurrency 1 and 8. With several
servers (BENCH_SERVERS=2 bench/run) the requests go to them in turn and the report
counts what each server answered; one login serves all, as sessions live in the
database and Redis.
"""

from __future__ import annotations

import collections
import http.cookiejar
import itertools
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Samspil-demo-2026"
FLOOR_TABLE = "floor: base template + 50 rows"


def login(client, user) -> bool:
    """The test client logged in as `user`; for a role that must use two-factor (the
    administrator), the session records a passed second factor as allauth's login would,
    so the pages answer instead of sending to the second-factor step."""
    import time as _time

    from allauth.account.internal.flows import login as flows

    from accounts.middleware import must_use_second_factor

    client.force_login(user)
    if must_use_second_factor(user):
        session = client.session
        session[flows.AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": _time.time()}]
        session[flows._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
        return True
    return False


# --- prepare (in Django) -------------------------------------------------------------------


def prepare(out: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from agreements.models import Agreement
    from agreements.workflows import AGREEMENT
    from meetings.calendars import selectors as calendar_selectors
    from meetings.calendars import services as calendar_services
    from meetings.models import Meeting, Participant
    from organisation.models import Committee

    User = get_user_model()
    account = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@samspil.example")}
    member, leader = account["medlem"], account["leder"]
    # The member's meeting with the most participants among those with minutes.
    meeting = (
        Meeting.objects.filter(participants__person=member, minutes__isnull=False).order_by("-starts_at").first()
        or Participant.objects.filter(person=member).latest("meeting__starts_at").meeting
    )
    committee = Committee.objects.filter(slug="skala-udvalg-0").first() or Committee.objects.first()
    agreement = (
        Agreement.objects.filter(workplace__memberships__person=leader, status__in=AGREEMENT.sources_allowing("edit"))
        .order_by("-template__period_start")
        .first()
    )

    def _busiest_case_meeting() -> int:
        from django.db.models import Count

        from cases.models import Case

        row = Case.objects.values("meeting_id").annotate(n=Count("pk")).order_by("-n").first()
        return row["meeting_id"] if row else meeting.pk

    def _case_pages() -> list[tuple[str, str, str]]:
        """The cases/hearing pages beside the agenda view and the figures: the case list, the
        case with the most hearings, and a hearing of the demo leader's workplace (the
        leader's answer page) when the data has one."""
        from django.db.models import Count

        from cases.models import Case, Hearing

        case = Case.objects.annotate(n=Count("hearings")).order_by("-n", "-pk").first()
        hearing = Hearing.objects.filter(workplace__memberships__person=leader).order_by("-pk").first()
        result = [("case list", "direktor", reverse("cases:list"))]
        if case:
            result.append(("case page", "direktor", reverse("cases:detail", args=[case.pk])))
        if hearing:
            result.append(("hearing page", "leder", reverse("cases:hearing", args=[hearing.pk])))
        return result

    def _question_page() -> list[tuple[str, str, str]]:
        from organisation.roles import roles_of
        from questions.models import Question

        question = Question.objects.filter(committee__in=roles_of(member).committee_ids).order_by("-pk").first()
        return [("question page", "medlem", reverse("questions:detail", args=[question.pk]))] if question else []

    feed = calendar_services.feed_renew(person=member)
    token = calendar_selectors.feed_token(feed)
    pages = [
        ("start page", "medlem", reverse("portal:home")),
        ("start page: administrator", "admin", reverse("portal:home")),
        ("my meetings", "medlem", reverse("meetings:mine")),
        ("free visit times", "medlem", reverse("meetings:visit_times")),
        ("meeting page", "medlem", reverse("meetings:meeting", args=[meeting.pk])),
        ("meeting .ics", "medlem", reverse("meetings:meeting_ics", args=[meeting.pk])),
        ("committee plan", "direktor", reverse("meetings:committee_plan", args=[committee.slug])),
        ("agreement editor", "leder", reverse("agreements:edit", args=[agreement.pk])),
        ("agreement list", "direktor", reverse("agreements:list")),
        ("story feed", "medarbejder", reverse("stories:feed")),
        ("public stories", None, reverse("stories:public")),
        ("code register", "admin", reverse("codex:register")),
        ("coverage dashboard", "direktor", reverse("coverage:dashboard")),
        # Committee cases (cases/scale.py): the busiest committee meeting's agenda view, and
        # the hearing figures over the last 12 months for the whole municipality.
        ("case agenda view", "direktor", reverse("cases:agenda", args=[_busiest_case_meeting()])),
        ("hearing figures", "direktor", reverse("cases:figures")),
        # Questions and challenges (issue 18): the question list and the challenges list as
        # the director reads them — every committee's questions, every workplace's challenges.
        ("committee questions", "direktor", reverse("questions:list")),
        ("challenges list", "direktor", reverse("stories:challenges")),
        ("committee's questions", "medlem", reverse("questions:list")),
        *_case_pages(),
        *_question_page(),
        ("calendar feed", None, reverse("meetings:calendar_feed", args=[token])),
        ("floor: a few bytes", "direktor", reverse("bench:floor_bytes")),
        (FLOOR_TABLE, "direktor", reverse("bench:floor_table")),
    ]
    targets = []
    for name, role, url in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        two_factor = login(client, account[role]) if role else False
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            counts.append(len(ctx.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code} in-process")
        target = {"page": name, "role": role, "url": url, "queries": counts[1], "queries_cold": counts[0]}
        if two_factor:  # the load client uses this session: it cannot type a TOTP code
            target["session"] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        targets.append(target)
        print(f"  {name:<32} {counts[1]:>3} queries  {url}")
    Path(out).write_text(json.dumps(targets, indent=2))


def explain(targets_path: str, pages: list[str]) -> None:
    """The slowest queries of the named pages (all when none named), each with its plan
    from EXPLAIN ANALYZE: where an index would help."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    for target in json.loads(Path(targets_path).read_text()):
        if pages and target["page"] not in pages:
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        if target["role"]:
            login(client, User.objects.get(email=f"{target['role']}@samspil.example"))
        client.get(target["url"])
        with CaptureQueriesContext(connection) as ctx:
            client.get(target["url"])
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        print(f"=== {target['page']}: {len(ctx.captured_queries)} queries")
        for query in slowest:
            print(f"--- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:3000]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


class Clock:
    """Exclusive time per layer: entering a layer pauses the one around it, so the
    figures add up to the request's time (middleware and the framework, the view's own
    Python, template rendering, SQL)."""

    def __init__(self):
        self.stack: list[str] = []
        self.totals: collections.Counter = collections.Counter()
        self.mark = 0.0

    def enter(self, layer: str) -> None:
        now = time.perf_counter()
        if self.stack:
            self.totals[self.stack[-1]] += now - self.mark
        self.stack.append(layer)
        self.mark = now

    def leave(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.mark
        self.mark = now

    def timed(self, layer: str, function):
        import functools

        @functools.wraps(function)  # keeps the view's flags (login_not_required, csrf_exempt)
        def wrapper(*args, **kwargs):
            self.enter(layer)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return wrapper


LAYERS = ("middleware", "view", "template", "sql")


def profile(targets_path: str, pages: list[str]) -> None:
    """Where each page's time goes, in-process (Django test client, the benchmark's
    database and settings): exclusive ms per request in middleware and the framework, the
    view's own Python, template rendering (Django and Jinja2, SQL run while rendering not
    included) and SQL, the median of BENCH_PROFILE_REQUESTS (30) warm requests.
    BENCH_CPROFILE=1 adds each page's 25 costliest functions (cumulative) from cProfile."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import cProfile
    import pstats

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.handlers.base import BaseHandler
    from django.db import connection
    from django.template.backends import django as django_backend
    from django.template.backends import jinja2 as jinja2_backend
    from django.test import Client

    clock = Clock()
    resolve = BaseHandler.resolve_request

    def resolve_request(self, request):
        match = resolve(self, request)
        match.func = clock.timed("view", match.func)
        return match

    BaseHandler.resolve_request = resolve_request
    django_backend.Template.render = clock.timed("template", django_backend.Template.render)
    jinja2_backend.Template.render = clock.timed("template", jinja2_backend.Template.render)

    def sql_timer(execute, sql, params, many, context):
        clock.enter("sql")
        try:
            return execute(sql, params, many, context)
        finally:
            clock.leave()

    User = get_user_model()
    count = int(os.environ.get("BENCH_PROFILE_REQUESTS", "30"))
    print(
        f"{'page':<32} {'total':>7} {'middleware':>10} {'view':>7} {'template':>8} {'sql':>7}  (ms, median of {count})"
    )
    rows = {}
    for target in json.loads(Path(targets_path).read_text()):
        if (pages and target["page"] not in pages) or "base" in target:
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        if target["role"]:
            login(client, User.objects.get(email=f"{target['role']}@samspil.example"))
        for _ in range(3):
            client.get(target["url"])
        per_request = []
        profiler = cProfile.Profile() if os.environ.get("BENCH_CPROFILE") else None
        with connection.execute_wrapper(sql_timer):
            for _ in range(count):
                clock.totals.clear()
                if profiler:
                    profiler.enable()
                clock.enter("middleware")
                response = client.get(target["url"])
                clock.leave()
                if profiler:
                    profiler.disable()
                assert response.status_code == 200, (target["page"], response.status_code)
                per_request.append({layer: clock.totals[layer] * 1000 for layer in LAYERS})
        row = {layer: round(statistics.median(r[layer] for r in per_request), 2) for layer in LAYERS}
        row["total"] = round(statistics.median(sum(r.values()) for r in per_request), 2)
        rows[target["page"]] = row
        print(
            f"{target['page']:<32} {row['total']:>7} {row['middleware']:>10} {row['view']:>7}"
            f" {row['template']:>8} {row['sql']:>7}",
            flush=True,
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats(os.environ.get("BENCH_CPROFILE_SORT", "cumulative")).print_stats(
                int(os.environ.get("BENCH_CPROFILE_LINES", "25"))
            )
    if out := os.environ.get("BENCH_PROFILE_OUT"):
        Path(out).write_text(json.dumps(rows, indent=2))


# --- load (plain HTTP) ---------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener_for(base: str, role: str | None, session: str | None = None):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    if role is None:
        return opener
    if session:  # a two-factor role: the session prepare made in-process
        # In the jar, not a fixed Cookie header: a fixed header hid the jar, so the CSRF
        # cookie a page sets was never sent back and every page of a two-factor role made
        # a new CSRF secret and a Set-Cookie, which no browser would cause.
        name, _, value = session.partition("=")
        host = urllib.parse.urlparse(base).hostname
        jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )
        return opener
    login = base + "/konto/login/"
    html = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": f"{role}@samspil.example", "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(login, data=data, headers={"Referer": login})  # noqa: S310 (http on loopback)
    try:
        opener.open(request)
    except urllib.error.HTTPError as exc:  # the 302 after a successful login
        if exc.code != 302:
            raise
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit(f"could not log in as {role}")
    return opener


def fetch(opener, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with opener.open(url) as response:
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000, len(body)


class Servers:
    """The servers' base URLs, taken in turn; counts the answers of each."""

    def __init__(self, bases: list[str]):
        self.bases = bases
        self.turn = itertools.cycle(bases)
        self.lock = threading.Lock()
        self.answered: collections.Counter = collections.Counter()

    def next(self) -> str:
        with self.lock:
            return next(self.turn)

    def count(self, base: str) -> None:
        with self.lock:
            self.answered[base] += 1


def timed_fetch(opener, servers: Servers, path: str, deadline: float) -> tuple[float, int] | None:
    if time.perf_counter() >= deadline:
        return None
    base = servers.next()
    sample = fetch(opener, base + path)
    servers.count(base)
    return sample


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def worker_rss(master_pid: int) -> list[dict]:
    """RSS and peak RSS (MB) of the gunicorn workers: the master's children."""
    workers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master_pid:
            workers.append(
                {
                    "pid": int(fields["Pid"].strip()),
                    "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                    "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                }
            )
    return workers


BARE = "bare floor: Django, 50 rows"
OWN_FLOOR = FLOOR_TABLE


_children: dict[int, list[int]] = {}


def children_of(master_pid: int) -> list[int]:
    """The gunicorn master's workers (its children), found once: /proc is walked again only
    when one of them has gone (a restarted worker)."""
    known = _children.get(master_pid)
    if known and all(Path(f"/proc/{pid}").exists() for pid in known):
        return known
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master_pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    _children[master_pid] = found
    return found


def cpu_ticks(master_pids: list[int]) -> int:
    """User + system CPU ticks of every gunicorn worker (the masters' children)."""
    total = 0
    for pid in (child for master in master_pids for child in children_of(master)):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15)
    return total


def summary(times: list[float]) -> dict:
    return {
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
    }


def load(targets_path: str, bases: list[str], master_pids: list[int], out_dir: str) -> None:
    """Interleaved rounds: in each of BENCH_WINDOWS windows, BENCH_ROUNDS rounds request
    every page once (the bare floor, Samspil's own floor and each page, in a shuffled order
    per round) at concurrency 1, so every page and the floors share the same minutes of a
    noisy machine. A page's ratio is its p50 (p95) over the bare floor's p50 (p95) in the
    same window; reported: the median and the range over the windows. CPU per request:
    the workers' utime + stime (from /proc) read before and after each concurrency-1
    request, summed per page. Then concurrency 8, page by page (BENCH_REQUESTS_C8 each)."""
    import random

    load_before = Path("/proc/loadavg").read_text().split()[:3]
    targets = json.loads(Path(targets_path).read_text())
    if only := {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}:
        targets = [t for t in targets if t["page"] in only or t["page"].startswith("floor")]
    bare_base = os.environ.get("BENCH_BARE_URL")
    bare_pid = int(os.environ.get("BENCH_BARE_PID", "0"))
    if bare_base:
        targets.insert(0, {"page": BARE, "role": None, "url": "/table/", "queries": 1, "base": bare_base})
    windows = int(os.environ.get("BENCH_WINDOWS", "5"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "20"))
    requests_c8 = int(os.environ.get("BENCH_REQUESTS_C8", "80"))
    servers = Servers(bases)
    sessions = {t["role"]: t.get("session") for t in targets}
    openers = {role: opener_for(bases[0], role, sessions[role]) for role in sessions}
    pids_of = {BARE: [bare_pid]}
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")

    def url_of(target: dict) -> tuple[str, list[int]]:
        if "base" in target:
            return target["base"] + target["url"], pids_of[BARE]
        base = servers.next()
        servers.count(base)
        return base + target["url"], master_pids

    for target in targets:  # warm-up: workers import, caches fill
        for _ in range(4):
            fetch(openers[target["role"]], url_of(target)[0])
    samples = {t["page"]: [[] for _ in range(windows)] for t in targets}
    ticks = collections.Counter()
    sizes = {}
    rng = random.Random(19)
    started = time.perf_counter()
    for window in range(windows):
        for _ in range(rounds):
            order = list(targets)
            rng.shuffle(order)
            for target in order:
                url, pids = url_of(target)
                before = cpu_ticks(pids)
                ms, size = fetch(openers[target["role"]], url)
                ticks[target["page"]] += cpu_ticks(pids) - before
                samples[target["page"]][window].append(ms)
                sizes[target["page"]] = size
        print(f"  window {window + 1}/{windows} done ({time.perf_counter() - started:.0f} s)", flush=True)
    results = []
    for target in targets:
        page = target["page"]
        row = {k: v for k, v in target.items() if k != "base"}
        every = [ms for window in samples[page] for ms in window]
        row["c1"] = summary(every)
        row["bytes"] = sizes[page]
        row["cpu_ms_per_request"] = round(ticks[page] * tick_ms / len(every), 1)
        row["windows"] = [summary(window) for window in samples[page]]
        results.append(row)
    by_page = {row["page"]: row for row in results}
    reference = by_page.get(BARE) or by_page[OWN_FLOOR]
    for row in results:
        for stat in ("p50_ms", "p95_ms"):
            ratios = sorted(
                round(w[stat] / ref[stat], 2) for w, ref in zip(row["windows"], reference["windows"], strict=True)
            )
            key = "p50" if stat == "p50_ms" else "p95"
            row[f"{key}_over_bare"] = {
                "median": round(statistics.median(ratios), 2),
                "min": ratios[0],
                "max": ratios[-1],
            }
        row["p50_over_floor"] = round(row["c1"]["p50_ms"] / by_page[OWN_FLOOR]["c1"]["p50_ms"], 2)
    # Concurrency 8, page by page: saturation (two sync workers on two shared cores).
    for row, target in zip(results, targets, strict=True):
        opener = openers[target["role"]]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            times = [ms for ms, _ in pool.map(lambda _, o=opener, t=target: fetch(o, url_of(t)[0]), range(requests_c8))]
        elapsed = time.perf_counter() - t0
        row["c8"] = summary(times) | {"rps": round(len(times) / elapsed, 1)}
        row["c1"]["rps"] = round(1000 / row["c1"]["p50_ms"], 1)
        print(
            f"  {row['page']:<32} c1 p50 {row['c1']['p50_ms']:>7} ms ×bare {row['p50_over_bare']['median']:>5}"
            f" | c8 p95 {row['c8']['p95_ms']:>7} {row['c8']['rps']:>6} req/s",
            flush=True,
        )
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "load_before": load_before,
        "scale": os.environ.get("BENCH_SCALE", "1"),
        "windows": windows,
        "rounds": rounds,
        "workers": [w for pid in master_pids for w in worker_rss(pid)],
        "bare_workers": worker_rss(bare_pid) if bare_pid else [],
        "servers": {base: servers.answered[base] for base in bases},
        "pages": results,
    }
    report["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(report, indent=2))
    (out / "results.md").write_text(markdown(report))
    print(markdown(report))


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(line.split()[1] for line in meminfo if line.startswith("MemTotal"))
    return f"{os.cpu_count()} × {cpu}, {int(memory) // 1024 // 1024 + 1} GB RAM"


def markdown(report: dict) -> str:
    def ratio(r: dict) -> str:
        return f"{r['median']} ({r['min']}–{r['max']})"

    lines = [
        f"Run {report['when']} on {report['machine']}; scale {report['scale']}; "
        f"{report['windows']} windows × {report['rounds']} interleaved rounds; "
        f"load average {' '.join(report['load_before'])} before, {' '.join(report['load_after'])} after.",
        "",
        "| page | role | SQL | KB | c1 p50 ms | c1 p95 ms | p50 ÷ bare | p95 ÷ bare | CPU ms/req"
        " | c8 p95 ms | c8 req/s |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in report["pages"]:
        c1, c8 = r["c1"], r["c8"]
        lines.append(
            f"| {r['page']} | {r['role'] or 'anonymous'} | {r['queries']} | {r['bytes'] / 1024:.1f} "
            f"| {c1['p50_ms']} | {c1['p95_ms']} | {ratio(r['p50_over_bare'])} | {ratio(r['p95_over_bare'])} "
            f"| {r['cpu_ms_per_request']} | {c8['p95_ms']} | {c8['rps']} |"
        )

    def rss(workers: list[dict]) -> str:
        return ", ".join(f"VmRSS {w['rss_mb']} MB / VmHWM {w['peak_rss_mb']} MB" for w in workers)

    lines += ["", f"Samspil's gunicorn workers after the soak: {rss(report['workers'])}."]
    if report.get("bare_workers"):
        lines += ["", f"The bare floor's workers: {rss(report['bare_workers'])}."]
    if len(report.get("servers", {})) > 1:
        answered = ", ".join(f"{base} {count}" for base, count in report["servers"].items())
        lines += ["", f"Requests answered per server: {answered}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2])
    elif sys.argv[1] == "profile":
        profile(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "explain":
        explain(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3].split(","), [int(pid) for pid in sys.argv[4].split(",")], sys.argv[5])
    else:
        raise SystemExit(__doc__)
