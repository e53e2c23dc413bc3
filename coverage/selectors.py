"""Reads for the coverage dashboard, in a fixed number of SQL queries whatever the size.

Every figure is aggregated in the database over one relation, *contacts*: a held
meeting paired with each workplace that took part in it, as host or as one of the
meeting's other workplaces (a UNION, so a host also listed among the workplaces counts
once). The relation is a common table expression written in SQL that runs unchanged on
PostgreSQL and SQLite; the Django ORM cannot group over a UNION.

Queries of `coverage_report` (the dashboard, the exports and the digest):
  1. the workplaces in scope, with kind and centre (the rows of the table);
  2. the meeting kinds (the columns);
  3. per workplace: contacts of each kind in the period (conditional sums) and the last
     contact before the period's end;
  4. per workplace: the distinct politicians met in the period;
  5. per workplace: the committees met in the period (distinct pairs);
  6. the workplace × quarter matrix;
  7. held meetings per month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisation.models import COMMITTEE_ROLES, Committee, ElectoralTerm, Membership, Workplace
from organisation.roles import roles_of

from . import freshness, stats


def workplaces_in_scope(user) -> QuerySet[Workplace]:
    """The workplaces whose coverage the person sees (the rule in coverage/permissions.py)."""
    roles = roles_of(user)
    workplaces = Workplace.objects.filter(is_active=True)
    if roles.is_leadership:
        return workplaces
    rule = Q(pk__in=[])
    if roles.headed_centre_ids:
        rule |= Q(centre_id__in=roles.headed_centre_ids)
    if roles.chaired_committee_ids:
        rule |= Q(
            pk__in=Workplace.committees.through.objects.filter(committee_id__in=roles.chaired_committee_ids).values(
                "workplace_id"
            )
        )
    if not (roles.headed_centre_ids or roles.chaired_committee_ids):
        return workplaces.none()
    return workplaces.filter(rule)


def committees_in_scope(user) -> QuerySet[Committee]:
    """Committees offered in the dashboard's filter and the planning pages."""
    roles = roles_of(user)
    committees = Committee.objects.filter(is_active=True)
    if roles.is_leadership or roles.headed_centre_ids:
        return committees
    return committees.filter(pk__in=roles.chaired_committee_ids)


def committees_in_scope_of(user, active_committees: list[Committee]) -> list[Committee]:
    """`committees_in_scope` from the active committees already read (in name order)."""
    roles = roles_of(user)
    if roles.is_leadership or roles.headed_centre_ids:
        return list(active_committees)
    return [committee for committee in active_committees if committee.pk in roles.chaired_committee_ids]


# --- The period ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included
    label: str = ""
    term_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def reference_date(self, today: dt.date) -> dt.date:
        """Status is judged at the period's end, or today while the period runs on."""
        return min(self.end, today)

    def elapsed_days(self, today: dt.date) -> int:
        return max(0, (self.reference_date(today) - self.start).days + 1)


def last_twelve_months(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    start = year_ago + dt.timedelta(days=1)
    return Period(start, today, _("The last 12 months"))


def term_period(term: ElectoralTerm) -> Period:
    return Period(term.starts_on, term.ends_on, _("Electoral term %(name)s") % {"name": term.name}, term.pk)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


# --- The report ------------------------------------------------------------------------


@dataclass
class WorkplaceCoverage:
    pk: int
    name: str
    slug: str
    kind: str
    centre: str
    kind_slug: str = ""
    centre_slug: str = ""
    by_kind: dict[int, int] = field(default_factory=dict)
    total: int = 0
    last_contact: dt.datetime | None = None
    days_since: int | None = None
    politicians: int = 0
    # Challenges the workplace told its committee in the period (stories.Story, kind challenge).
    challenges: int = 0
    committees: list[str] = field(default_factory=list)
    status: str = stats.MISSED
    quarters: list[int] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(stats.STATUS_LABELS[self.status])

    @property
    def last_contact_date(self) -> dt.date | None:
        return timezone.localdate(self.last_contact) if self.last_contact else None


@dataclass
class QuarterSummary:
    bucket: stats.Bucket
    contacts: int
    share_without: float
    gini: float
    most: str


@dataclass
class Report:
    """The figures of a scope and period. The summaries are cached properties: computed
    once before the report is cached (`summarise`), then read from the cached copy."""

    period: Period
    today: dt.date
    kinds: list  # MeetingKind rows shown as columns
    rows: list[WorkplaceCoverage]
    quarters: list[stats.Bucket]
    months: list[stats.Bucket]
    meetings_per_month: list[int]
    target: stats.Target

    @property
    def count(self) -> int:
        return len(self.rows)

    @cached_property
    def without_contact(self) -> int:
        return sum(1 for row in self.rows if row.total == 0)

    @property
    def share_without(self) -> float:
        return self.without_contact / self.count if self.rows else 0.0

    @property
    def share_without_percent(self) -> int:
        return round(self.share_without * 100)

    @cached_property
    def gini(self) -> float:
        return stats.gini([row.total for row in self.rows])

    @cached_property
    def contacts(self) -> int:
        return sum(row.total for row in self.rows)

    @cached_property
    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(stats.STATUS_ORDER, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def status_count(self, status: str) -> int:
        return self.status_counts[status]

    @property
    def missed(self) -> int:
        return self.status_count(stats.MISSED)

    @property
    def due_soon(self) -> int:
        return self.status_count(stats.DUE_SOON)

    @property
    def met(self) -> int:
        return self.status_count(stats.MET)

    @cached_property
    def most_visited(self) -> list[WorkplaceCoverage]:
        ranked = sorted(self.rows, key=lambda row: (-row.total, row.name))
        return [row for row in ranked if row.total > 0][:3]

    @cached_property
    def least_visited(self) -> list[WorkplaceCoverage]:
        never = dt.datetime.min.replace(tzinfo=dt.UTC)
        ranked = sorted(self.rows, key=lambda row: (row.total, row.last_contact or never, row.name))
        return ranked[:3]

    @cached_property
    def quarter_summaries(self) -> list[QuarterSummary]:
        result = []
        for index, bucket in enumerate(self.quarters):
            values = [row.quarters[index] for row in self.rows]
            best = max(self.rows, key=lambda row: (row.quarters[index], row.name[::-1]), default=None)
            result.append(
                QuarterSummary(
                    bucket=bucket,
                    contacts=sum(values),
                    share_without=(sum(1 for v in values if v == 0) / len(values)) if values else 0.0,
                    gini=stats.gini(values),
                    most=best.name if best is not None and best.quarters[index] > 0 else "",
                )
            )
        return result

    def summarise(self) -> Report:
        """Compute every summary now, so a cached copy carries them."""
        for name in ("without_contact", "gini", "contacts", "status_counts", "most_visited", "least_visited"):
            getattr(self, name)
        self.quarter_summaries  # noqa: B018 (computes the cached property)
        return self


def target_from_settings() -> stats.Target:
    return stats.Target(
        per_year=float(getattr(settings, "COVERAGE_TARGET_PER_YEAR", 1)),
        due_soon_months=float(getattr(settings, "COVERAGE_DUE_SOON_MONTHS", 10)),
    )


def _table(model, field_name: str | None = None) -> str:
    if field_name:
        return connection.ops.quote_name(model._meta.get_field(field_name).remote_field.through._meta.db_table)
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _parse_dt(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns text from raw aggregates
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _bucket_case(column: str, buckets: list[stats.Bucket]) -> tuple[str, list]:
    """SQL that numbers the bucket a timestamp falls in, by explicit local-time bounds,
    so months and quarters follow Copenhagen's calendar on every database."""
    parts, params = [], []
    for index, bucket in enumerate(buckets):
        parts.append(f"WHEN {column} < %s THEN {index}")
        params.append(_dt(local_midnight(bucket.end + dt.timedelta(days=1))))
    return "CASE " + " ".join(parts) + " END", params


class _Contacts:
    """The SQL of the contacts relation for a scope, a set of meeting kinds and a time range."""

    def __init__(
        self,
        scope: QuerySet[Workplace],
        kind_ids: list[int] | None,
        until: dt.datetime | None,
        since: dt.datetime | None = None,
        statuses: Iterable[str] = ("held",),
    ):
        from meetings.models import Meeting

        scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
        meeting = _table(Meeting)
        through = _table(Meeting, "workplaces")
        statuses = list(statuses)
        conditions = ["m.status IN (" + ", ".join(["%s"] * len(statuses)) + ")"]
        params: list = [*statuses]
        if until is not None:
            conditions.append("m.starts_at < %s")
            params.append(_dt(until))
        if since is not None:
            conditions.append("m.starts_at >= %s")
            params.append(_dt(since))
        if kind_ids is not None:
            if kind_ids:
                conditions.append("m.kind_id IN (" + ", ".join(["%s"] * len(kind_ids)) + ")")
                params.extend(kind_ids)
            else:
                conditions.append("1 = 0")
        common = " AND ".join(conditions)
        # UNION ALL without the host's own row among the other workplaces: each
        # (workplace, meeting) pair once, without the sort a plain UNION needs.
        self.sql = (
            "WITH contact AS ("  # noqa: S608 (table names and placeholders only)  # nosec B608
            " SELECT m.host_id AS workplace_id, m.id AS meeting_id, m.kind_id, m.committee_id, m.starts_at"
            f" FROM {meeting} m WHERE m.host_id IN ({scope_sql}) AND {common}"
            " UNION ALL"
            " SELECT mw.workplace_id, m.id, m.kind_id, m.committee_id, m.starts_at"
            f" FROM {through} mw JOIN {meeting} m ON m.id = mw.meeting_id"
            f" WHERE mw.workplace_id IN ({scope_sql}) AND (m.host_id IS NULL OR m.host_id <> mw.workplace_id)"
            f" AND {common}"
            ") "
        )
        self.params = [*scope_params, *params, *scope_params, *params]

    def run(self, body: str, params: Iterable = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql + body, [*self.params, *params])
            return cursor.fetchall()


def _took_part() -> tuple[str, list]:
    """A participant took part when the minutes say they were present; where the minutes
    record no attendance for them, when they did not decline the invitation. (Absent and
    excused, as the minutes record them, did not take part, whatever they answered.)"""
    from meetings.models import Participant

    return (
        "(p.attendance = %s OR (p.attendance = %s AND p.response <> %s))",
        [Participant.Attendance.PRESENT, Participant.Attendance.UNKNOWN, Participant.Response.NO],
    )


def _politician_condition() -> tuple[str, list]:
    """A participant counts as a politician met when they took part (`_took_part`) and
    came as a politician or sat on a committee when the meeting took place.
    (Dates compare to the meeting's timestamp: a membership ending on the meeting's own
    day is not counted, the same on PostgreSQL and SQLite.)"""
    from meetings.models import Participant

    membership = _table(Membership)
    roles = [role.value for role in COMMITTEE_ROLES]
    took_part, took_part_params = _took_part()
    sql = (
        f"{took_part} AND (p.role = %s OR EXISTS ("  # noqa: S608 (table names and placeholders only)  # nosec B608
        f"SELECT 1 FROM {membership} ms WHERE ms.person_id = p.person_id AND ms.role IN (%s, %s)"
        " AND ms.starts_on <= c.starts_at AND (ms.ends_on IS NULL OR ms.ends_on >= c.starts_at)))"
    )
    return sql, [*took_part_params, Participant.MeetingRole.POLITICIAN, *roles]


def coverage_report(
    *,
    scope: QuerySet[Workplace],
    period: Period,
    meeting_kinds: list | None = None,
    today: dt.date | None = None,
    target: stats.Target | None = None,
    available_kinds: list | None = None,
) -> Report:
    """The figures for every workplace in `scope` (already filtered by committee, centre
    and kind) over `period`, counting meetings of `meeting_kinds` (None: every kind)."""
    from meetings.models import MeetingKind, Participant

    today = today or timezone.localdate()
    target = target or target_from_settings()
    # 1. The rows.
    workplaces = list(
        scope.order_by("name").values_list(
            "pk", "name", "slug", "kind__name", "kind__name_en", "kind__slug", "centre__name", "centre__slug"
        )
    )
    english = (get_language() or "da").startswith("en")
    rows = {
        pk: WorkplaceCoverage(
            pk=pk,
            name=name,
            slug=slug,
            kind=(kind_en if english and kind_en else kind_da) or "",
            centre=centre or "",
            kind_slug=kind_slug or "",
            centre_slug=centre_slug or "",
        )
        for pk, name, slug, kind_da, kind_en, kind_slug, centre, centre_slug in workplaces
    }
    # 2. The kinds.
    all_kinds = available_kinds if available_kinds is not None else list(MeetingKind.objects.all())
    kinds = [kind for kind in all_kinds if meeting_kinds is None or kind.pk in {k.pk for k in meeting_kinds}]
    kind_ids = None if meeting_kinds is None else [kind.pk for kind in kinds]
    start, until = local_midnight(period.start), local_midnight(period.end + dt.timedelta(days=1))
    quarters = stats.quarter_buckets(period.start, period.end)
    months = stats.month_buckets(period.start, period.end)
    report = Report(period, today, kinds, [], quarters, months, [0] * len(months), target)
    for row in rows.values():
        row.by_kind = {kind.pk: 0 for kind in kinds}
        row.quarters = [0] * len(quarters)
    if rows:
        contacts = _Contacts(scope, kind_ids, until)
        start_param = _dt(start)
        # 3. Contacts per kind in the period, and the last contact up to the period's end.
        sums = ", ".join("SUM(CASE WHEN c.starts_at >= %s AND c.kind_id = %s THEN 1 ELSE 0 END)" for _kind in kinds)
        sum_params = [value for kind in kinds for value in (start_param, kind.pk)]
        for workplace_id, last, *counts in contacts.run(
            f"SELECT c.workplace_id, MAX(c.starts_at){', ' + sums if sums else ''} FROM contact c GROUP BY c.workplace_id",  # noqa: S608 (table names and placeholders only)  # nosec B608
            sum_params,
        ):
            row = rows.get(workplace_id)
            if row is None:
                continue
            row.last_contact = _parse_dt(last)
            row.by_kind = {kind.pk: int(count or 0) for kind, count in zip(kinds, counts, strict=True)}
            row.total = sum(row.by_kind.values())
        # Queries 4–7 look only inside the period.
        contacts = _Contacts(scope, kind_ids, until, since=start)
        participant = _table(Participant)
        condition, condition_params = _politician_condition()
        # 4. Distinct politicians met in the period.
        for workplace_id, count in contacts.run(
            f"SELECT c.workplace_id, COUNT(DISTINCT p.person_id) FROM contact c"  # noqa: S608 (table names and placeholders only)  # nosec B608
            f" JOIN {participant} p ON p.meeting_id = c.meeting_id"
            f" WHERE {condition} GROUP BY c.workplace_id",
            condition_params,
        ):
            if workplace_id in rows:
                rows[workplace_id].politicians = count
        # 5. Committees met in the period: the meeting's committee, and the committees
        #    the politicians present sat on (a visit has no committee of its own).
        membership = _table(Membership)
        committee_roles = [role.value for role in COMMITTEE_ROLES]
        took_part, took_part_params = _took_part()
        pairs = contacts.run(
            "SELECT x.workplace_id, CASE WHEN co.short_name <> '' THEN co.short_name ELSE co.name END FROM ("  # noqa: S608 (table names and placeholders only)  # nosec B608
            " SELECT c.workplace_id, c.committee_id FROM contact c WHERE c.committee_id IS NOT NULL"
            " UNION"
            f" SELECT c.workplace_id, ms.committee_id FROM contact c JOIN {participant} p ON p.meeting_id = c.meeting_id"
            f" JOIN {membership} ms ON ms.person_id = p.person_id AND ms.role IN (%s, %s)"
            " AND ms.starts_on <= c.starts_at AND (ms.ends_on IS NULL OR ms.ends_on >= c.starts_at)"
            f" WHERE {took_part}"
            f") x JOIN {_table(Committee)} co ON co.id = x.committee_id",
            [*committee_roles, *took_part_params],
        )
        met: dict[int, set[str]] = defaultdict(set)
        for workplace_id, name in pairs:
            met[workplace_id].add(name)
        for workplace_id, names in met.items():
            if workplace_id in rows:
                rows[workplace_id].committees = sorted(names)
        # 6. The workplace × quarter matrix.
        case, case_params = _bucket_case("c.starts_at", quarters)
        for workplace_id, bucket, count in contacts.run(
            f"SELECT c.workplace_id, {case} AS bucket, COUNT(*) FROM contact c GROUP BY 1, 2",  # noqa: S608 (table names and placeholders only)  # nosec B608
            case_params,
        ):
            if workplace_id in rows and bucket is not None:
                rows[workplace_id].quarters[bucket] = count
        # 7. Held meetings per month (a meeting with three workplaces is one meeting).
        case, case_params = _bucket_case("c.starts_at", months)
        for bucket, count in contacts.run(
            f"SELECT {case} AS bucket, COUNT(DISTINCT c.meeting_id) FROM contact c GROUP BY 1",  # noqa: S608 (table names and placeholders only)  # nosec B608
            case_params,
        ):
            if bucket is not None:
                report.meetings_per_month[bucket] = count
        # 8. Challenges sent to the committee in the period (whatever became of them since).
        from stories.models import Story

        for workplace_id, count in (
            Story.objects.challenges()
            .filter(workplace__in=scope, published_at__gte=start, published_at__lt=until)
            .order_by()
            .values_list("workplace_id")
            .annotate(count=Count("id"))
        ):
            if workplace_id in rows:
                rows[workplace_id].challenges = count
    reference = period.reference_date(today)
    elapsed = period.elapsed_days(today)
    for row in rows.values():
        if row.last_contact is not None:
            row.days_since = (reference - timezone.localdate(row.last_contact)).days
        row.status = target.status(contacts=row.total, days_since=row.days_since, period_days=elapsed)
    report.rows = list(rows.values())
    return report


def report_cache_key(
    *,
    scope: QuerySet[Workplace],
    period: Period,
    meeting_kinds: list | None,
    available_kinds: list,
    today: dt.date,
    target: stats.Target,
    version: str | None = None,
) -> str | None:
    """The cache key of a report: the database's data version (coverage/freshness.py; one
    query) and everything the figures depend on. Any write to meetings, participants,
    memberships or workplaces makes a new version, so the next request computes afresh.
    None: no caching (``COVERAGE_REPORT_CACHE_SECONDS = 0``, or a database without triggers).

    The key holds the scope's SQL and parameters, so two people share a copy only when
    their scope is the same query (a chair's committees are among its parameters)."""
    if cache_seconds() <= 0:
        return None
    version = version or freshness.VERSION.read()
    if version is None:
        return None
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    identity = repr(
        (
            scope_sql,
            [str(value) for value in scope_params],
            period.start,
            period.end,
            None if meeting_kinds is None else sorted(kind.pk for kind in meeting_kinds),
            [(kind.pk, kind.slug, kind.label) for kind in available_kinds],
            today,
            get_language(),
            target,
        )
    )
    return freshness.VERSION.cache_key("report", version, identity)


def cached_coverage_report(
    *,
    scope: QuerySet[Workplace],
    period: Period,
    meeting_kinds: list | None = None,
    available_kinds: list | None = None,
    today: dt.date | None = None,
    version: str | None = None,
) -> Report:
    """`coverage_report` read from the cache under `report_cache_key`, computed and
    stored when missing. `version`: the data version if the caller has read it already."""
    from meetings.models import MeetingKind

    today = today or timezone.localdate()
    target = target_from_settings()
    all_kinds = available_kinds if available_kinds is not None else list(MeetingKind.objects.all())
    arguments = {
        "scope": scope,
        "period": period,
        "meeting_kinds": meeting_kinds,
        "available_kinds": all_kinds,
        "today": today,
        "target": target,
    }
    key = report_cache_key(**arguments, version=version)
    report = cache.get(key) if key else None
    if report is None:
        report = coverage_report(**arguments).summarise()
        if key:
            cache.set(key, report, cache_seconds())
    # Two periods with the same days share a copy; the label is this request's (e.g. the term's name).
    report.period = period
    return report


def warm_leadership_report() -> bool:
    """Compute and cache the report the leadership opens first (every workplace, the last
    12 months, every kind, in the site's language) unless it is cached for the current data
    version already: run by the beat every minute, so the first view after a change seldom
    waits for the aggregates. True when it computed."""
    from django.utils import translation

    from meetings.models import MeetingKind

    with translation.override(settings.LANGUAGE_CODE):
        today = timezone.localdate()
        arguments = {
            "scope": Workplace.objects.filter(is_active=True),  # workplaces_in_scope for the leadership
            "period": last_twelve_months(today),
            "meeting_kinds": None,
            "available_kinds": list(MeetingKind.objects.all()),
            "today": today,
        }
        key = report_cache_key(**arguments, target=target_from_settings())
        if key is None or cache.has_key(key):
            return False
        cached_coverage_report(**arguments)
        return True


def cache_seconds() -> int:
    return int(getattr(settings, "COVERAGE_REPORT_CACHE_SECONDS", 600))


# --- Sorting -----------------------------------------------------------------------------

SORT_KEYS = {
    "name": lambda row: row.name.lower(),
    "kind": lambda row: (row.kind.lower(), row.name.lower()),
    "centre": lambda row: (row.centre.lower(), row.name.lower()),
    "total": lambda row: (row.total, row.name.lower()),
    # Never met sorts as the oldest contact.
    "last": lambda row: (row.last_contact.timestamp() if row.last_contact else float("-inf"), row.name.lower()),
    "days": lambda row: (row.days_since if row.days_since is not None else float("inf"), row.name.lower()),
    "politicians": lambda row: (row.politicians, row.name.lower()),
    "challenges": lambda row: (row.challenges, row.name.lower()),
    "committees": lambda row: (len(row.committees), row.name.lower()),
    "status": lambda row: (stats.STATUS_ORDER[row.status], row.total, row.name.lower()),
}


def sort_rows(rows: list[WorkplaceCoverage], sort: str, kinds: list) -> tuple[list[WorkplaceCoverage], str]:
    """Sort by a whitelisted column ("-" for descending); "kind-<slug>" sorts by a meeting
    kind's count. Anything else falls back to status (who needs attention first)."""
    descending = sort.startswith("-")
    key_name = sort.lstrip("-")
    key = SORT_KEYS.get(key_name)
    if key is None and key_name.startswith("kind-"):
        kind = next((k for k in kinds if k.slug == key_name[5:]), None)
        if kind is not None:
            key = lambda row: (row.by_kind.get(kind.pk, 0), row.name.lower())  # noqa: E731
    if key is None:
        return sorted(rows, key=SORT_KEYS["status"]), "status"
    return sorted(rows, key=key, reverse=descending), sort


# --- Planning ----------------------------------------------------------------------------


@dataclass
class Suggestion:
    month: dt.date
    row: WorkplaceCoverage
    reason: str


def rotation(
    report: Report, *, months: int, per_month: int, today: dt.date, planned: Iterable[int] = ()
) -> list[Suggestion]:
    """Spread the workplaces furthest below the target over the coming months: never met
    first, then the longest since the last contact, then the fewest contacts. Workplaces
    with a meeting already `planned` are left out."""
    planned = set(planned)
    ranked = sorted(
        (row for row in report.rows if row.status != stats.MET and row.pk not in planned),
        key=lambda row: (row.days_since is not None, -(row.days_since or 0), row.total, row.name),
    )
    suggestions = []
    first = stats.add_months(today.replace(day=1), 1)
    for index, row in enumerate(ranked[: months * per_month]):
        if row.days_since is None:
            reason = _("No contact on record.")
        else:
            reason = _("Last contact %(days)s days ago.") % {"days": row.days_since}
        suggestions.append(Suggestion(stats.add_months(first, index // per_month), row, reason))
    return suggestions


def upcoming_by_workplace(scope: QuerySet[Workplace], *, now: dt.datetime) -> dict[int, dt.datetime]:
    """The next planned or confirmed meeting of each workplace (one query), so the
    rotation does not suggest a workplace that already has a meeting coming."""
    from meetings.models import Meeting

    contacts = _Contacts(scope, None, None, since=now, statuses=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED])
    return {
        workplace_id: _parse_dt(first)
        for workplace_id, first in contacts.run("SELECT c.workplace_id, MIN(c.starts_at) FROM contact c GROUP BY 1")
    }
