"""The benchmark's two halves (bench/run calls both; bench/README.md explains the figures).

    python bench/bench.py prepare OUT.json   # in-process: pick URLs, count SQL queries per page
    python bench/bench.py load TARGETS.json BASE_URL[,BASE_URL] MASTER_PID[,PID] OUT_DIR  # HTTP load on gunicorn
    python bench/bench.py explain TARGETS.json [PAGE ...]  # slowest queries with EXPLAIN ANALYZE

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


# --- prepare (in Django) -------------------------------------------------------------------


def prepare(out: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
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

    feed = calendar_services.feed_renew(person=member)
    token = calendar_selectors.feed_token(feed)
    pages = [
        ("start page", "medlem", reverse("portal:home")),
        ("my meetings", "medlem", reverse("meetings:mine")),
        ("free visit times", "medlem", reverse("meetings:visit_times")),
        ("meeting page", "medlem", reverse("meetings:meeting", args=[meeting.pk])),
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
        ("calendar feed", None, reverse("meetings:calendar_feed", args=[token])),
        ("floor: a few bytes", "direktor", reverse("bench:floor_bytes")),
        (FLOOR_TABLE, "direktor", reverse("bench:floor_table")),
    ]
    targets = []
    for name, role, url in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        if role:
            client.force_login(account[role])
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            counts.append(len(ctx.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code} in-process")
        targets.append({"page": name, "role": role, "url": url, "queries": counts[1], "queries_cold": counts[0]})
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
            client.force_login(User.objects.get(email=f"{target['role']}@samspil.example"))
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


# --- load (plain HTTP) ---------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener_for(base: str, role: str | None):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    if role is None:
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


def load(targets_path: str, bases: list[str], master_pids: list[int], out_dir: str) -> None:
    targets = json.loads(Path(targets_path).read_text())
    # BENCH_PAGES="coverage dashboard,code register" measures only those (and the floors).
    if only := {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}:
        targets = [t for t in targets if t["page"] in only or t["page"].startswith("floor")]
    requests_c1 = int(os.environ.get("BENCH_REQUESTS_C1", "60"))
    requests_c8 = int(os.environ.get("BENCH_REQUESTS_C8", "160"))
    budget = float(os.environ.get("BENCH_PAGE_SECONDS", "30"))
    servers = Servers(bases)
    openers = {role: opener_for(bases[0], role) for role in {t["role"] for t in targets}}
    results = []
    for target in targets:
        opener, path = openers[target["role"]], target["url"]
        for base in bases:
            for _ in range(3):  # warm-up: workers import, caches fill
                fetch(opener, base + path)
        row = dict(target)
        for concurrency, count in ((1, requests_c1), (8, requests_c8)):
            # A fixed number of requests, cut short once a page has used its time budget
            # (a page at several seconds a request would hold the run for an hour); the
            # table shows how many were sent.
            started = time.perf_counter()
            deadline = started + budget
            with ThreadPoolExecutor(concurrency) as pool:
                samples = [
                    s
                    for s in pool.map(
                        timed_fetch, [opener] * count, [servers] * count, [path] * count, [deadline] * count
                    )
                    if s
                ]
            elapsed = time.perf_counter() - started
            count = len(samples)
            times = [ms for ms, _size in samples]
            row[f"c{concurrency}"] = {
                "requests": count,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "rps": round(count / elapsed, 1),
            }
            row["bytes"] = samples[-1][1]
        results.append(row)
        print(
            f"  {row['page']:<32} c1 p50 {row['c1']['p50_ms']:>7} ms p95 {row['c1']['p95_ms']:>7}"
            f" | c8 p50 {row['c8']['p50_ms']:>7} p95 {row['c8']['p95_ms']:>7} {row['c8']['rps']:>6} req/s"
        )
    floor = next(r for r in results if r["page"] == FLOOR_TABLE)["c1"]["p50_ms"]
    for row in results:
        row["p50_over_floor"] = round(row["c1"]["p50_ms"] / floor, 2)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "scale": os.environ.get("BENCH_SCALE", "1"),
        "workers": [w for pid in master_pids for w in worker_rss(pid)],
        # Measured requests each server answered (warm-up and logins not counted).
        "servers": {base: servers.answered[base] for base in bases},
        "pages": results,
    }
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
    lines = [
        f"Run {report['when']} on {report['machine']}; scale {report['scale']}.",
        "",
        "| page | role | SQL | KB | c1 n | c1 p50 ms | c1 p95 ms | c1 req/s | c8 n | c8 p50 ms | c8 p95 ms"
        " | c8 req/s | p50 / floor |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in report["pages"]:
        c1, c8 = r["c1"], r["c8"]
        lines.append(
            f"| {r['page']} | {r['role'] or 'anonymous'} | {r['queries']} | {r['bytes'] / 1024:.1f} "
            f"| {c1['requests']} | {c1['p50_ms']} | {c1['p95_ms']} | {c1['rps']} "
            f"| {c8['requests']} | {c8['p50_ms']} | {c8['p95_ms']} | {c8['rps']} "
            f"| {r['p50_over_floor']} |"
        )
    workers = ", ".join(f"{w['rss_mb']} MB (peak {w['peak_rss_mb']} MB)" for w in report["workers"])
    lines += ["", f"Gunicorn worker RSS after the run: {workers}."]
    if len(report.get("servers", {})) > 1:
        answered = ", ".join(f"{base} {count}" for base, count in report["servers"].items())
        lines += ["", f"Requests answered per server: {answered}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2])
    elif sys.argv[1] == "explain":
        explain(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3].split(","), [int(pid) for pid in sys.argv[4].split(",")], sys.argv[5])
    else:
        raise SystemExit(__doc__)
