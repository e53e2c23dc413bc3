"""Reads for the register: who must sign what, who has, and the shares per group.

Every function here runs a fixed number of queries whatever the number of people or
signatures: counts are SQL aggregates, "has signed" is an EXISTS subquery.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from organisation.models import (
    CENTRE_ROLES,
    MUNICIPALITY_ROLES,
    SECRETARY_ROLES,
    Centre,
    Committee,
    ElectoralTerm,
    Membership,
    Role,
    Workplace,
)
from organisation.roles import RoleSet, roles_of
from organisation.selectors import UnitChoice, filter_units
from samspil.compiled import CompiledQueries, CompiledQuery, StandIns, id_sets, stand_in_sets
from samspil.db import ONE_PLAN

from .models import (
    EMPLOYEE_ROLE_VALUES,
    POLITICIAN_ROLE_VALUES,
    Audience,
    ChainAnchor,
    CodeVersion,
    CurrentCode,
    ReminderRound,
    Signature,
)


@dataclass(frozen=True)
class CodeState:
    """The current version per audience and the current electoral term: two queries."""

    versions: dict[str, CodeVersion]
    term: ElectoralTerm | None
    # The register's filter lists' data version (codex/freshness.py), read with the state
    # by register_state; None where it was not read.
    units_version: str | None = None

    @property
    def term_start(self) -> dt.datetime | None:
        if self.term is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.term.starts_on, dt.time.min))

    def version_for(self, audience: str) -> CodeVersion | None:
        return self.versions.get(audience)

    def distinct_versions(self) -> list[CodeVersion]:
        seen: dict[int, CodeVersion] = {}
        for audience in (Audience.POLITICIANS, Audience.EMPLOYEES):
            version = self.versions.get(audience)
            if version is not None:
                seen.setdefault(version.pk, version)
        return list(seen.values())


def code_state() -> CodeState:
    # Query 1: the current version per audience (at most two rows).
    versions = {row.audience: row.version for row in CurrentCode.objects.select_related("version")}
    # Query 2: the electoral term today.
    return CodeState(versions=versions, term=ElectoralTerm.current())


def register_state() -> tuple[CodeState, tuple[int | None, int | None] | None]:
    """code_state() and the newest membership and signature ids (register_counts' key) in
    one query instead of three: the current versions' rows carry the two newest ids and
    today's electoral term as subqueries (compiled once per process, so their compiling
    costs nothing a request). With no current version (no row to carry them) the three
    queries as before."""
    today = timezone.localdate()
    rows = _register_state_rows(today)
    if not rows:
        return CodeState(versions={}, term=ElectoralTerm.current(today)), _newest_ids()
    first = rows[0]
    term = None
    if first.term_id is not None:
        values = [first.term_id, first.term_name, *(_date(getattr(first, f"term_{name}")) for name in _TERM_DAYS)]
        term = ElectoralTerm.from_db(connection.alias, ["id", "name", *_TERM_DAYS], values)
    state = CodeState(
        versions={row.current_audience: row for row in rows}, term=term, units_version=first.units_version
    )
    newest = (first.newest_membership, first.newest_signature) if first.newest_membership is not None else None
    return state, newest


def _date(value) -> dt.date | None:
    # Raw rows' annotations as the driver gives them: SQLite's dates are text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _register_state_query(on: dt.date) -> QuerySet[CodeVersion]:
    # The current versions (a version current for both audiences comes twice, once for
    # each), each with the two newest ids and the term holding `on` (ElectoralTerm.current).
    term = ElectoralTerm.objects.filter(starts_on__lte=on, ends_on__gte=on).order_by("-starts_on")
    return CodeVersion.objects.filter(current_for__isnull=False).annotate(
        current_audience=F("current_for__audience"),
        newest_membership=Subquery(Membership.objects.order_by("-pk").values("pk")[:1]),
        newest_signature=Subquery(Signature.objects.order_by("-pk").values("pk")[:1]),
        **{f"term_{name}": Subquery(term.values(name)[:1]) for name in ("id", "name", *_TERM_DAYS)},
        units_version=_units_version(),
    )


def _units_version():
    """The filter lists' data version (codex/freshness.py) as a subquery: what
    DataVersion.read would read, brought with the state's row."""
    from . import freshness

    sql = freshness.VERSION.version_sql(connection.vendor)
    if sql is None:
        return Value(None, output_field=CharField())
    return RawSQL(sql, (), output_field=CharField())  # noqa: S611  # nosec B611 (a constant)


# The filter lists of the latest data version this process has read them at: (version,
# (committees, centres)); the lists are only read.
_units_in_process: tuple[str, tuple[list[UnitChoice], list[UnitChoice]]] | None = None


def register_filter_units(version: str | None) -> tuple[list[UnitChoice], list[UnitChoice]]:
    """organisation.selectors.filter_units under the data version register_state read
    (`state.units_version`): kept in the process, a query only when the version moved (a
    committee or centre added, renamed or closed) or none was read."""
    global _units_in_process
    held = _units_in_process
    if version is not None and held is not None and held[0] == version:
        return held[1]
    units = filter_units()
    if version is not None:
        _units_in_process = (version, units)
    return units


_TERM_DAYS = ("starts_on", "ends_on", "election_date")


def _register_state_rows(on: dt.date) -> list[CodeVersion]:
    """_register_state_query's rows as versions with their annotations. The same SQL on every
    request with today's date, compiled once per process (as Django compiled the subqueries
    they cost more than the round trip), and its rows made into versions here: through
    Model.objects.raw() the per-request column mapping, converters and signals cost 0.3 ms
    for two rows. PostgreSQL's driver gives every column as the model has it; elsewhere
    (SQLite's text dates and times) the compiler's converters run."""
    compiled = _REGISTER_READS.get(("state", connection.vendor), _compile_register_state)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params({"on": on}))
            rows = cursor.fetchall()
    else:
        rows = compiled.rows({"on": on})
    klass = compiled.compiler.klass_info
    fields = [compiled.compiler.select[index][0].target.attname for index in klass["select_fields"]]
    annotations = compiled.compiler.annotation_col_map.items()
    versions = []
    for row in rows:
        version = CodeVersion.from_db(connection.alias, fields, [row[index] for index in klass["select_fields"]])
        for name, index in annotations:
            setattr(version, name, row[index])
        versions.append(version)
    return versions


def _compile_register_state() -> CompiledQuery:
    stand_ins = StandIns()
    return CompiledQuery(_register_state_query(stand_ins.date("on")), stand_ins, every=True)


def _newest_ids() -> tuple[int, int | None] | None:
    return (
        Membership.objects.order_by("-pk")
        .annotate(newest_signature=Subquery(Signature.objects.order_by("-pk").values("pk")[:1]))
        .values_list("pk", "newest_signature")
        .first()
    )


def valid_signatures(state: CodeState, audience: str, person_ref) -> QuerySet | None:
    """Signatures that count for `audience` today: of its current version, and for
    politicians given within the current electoral term."""
    version = state.version_for(audience)
    if version is None:
        return None
    queryset = Signature.objects.filter(person=person_ref, version=version)
    if audience == Audience.POLITICIANS and state.term_start is not None:
        queryset = queryset.filter(signed_at__gte=state.term_start)
    return queryset


def audiences_of(roles: RoleSet) -> list[str]:
    audiences = []
    if roles.roles & set(POLITICIAN_ROLE_VALUES):
        audiences.append(Audience.POLITICIANS)
    if roles.roles & set(EMPLOYEE_ROLE_VALUES):
        audiences.append(Audience.EMPLOYEES)
    return audiences


@dataclass(frozen=True)
class SigningDue:
    version: CodeVersion
    audience: str
    signed: bool
    # Signed this version before, but in an earlier electoral term.
    signed_before_term: bool = False


def signing_status(user, state: CodeState | None = None) -> list[SigningDue]:
    """What the person must sign today and whether they have: 2 queries (plus the roles
    query, cached per request, and code_state's 2 when not passed in)."""
    state = state or code_state()
    roles = roles_of(user)
    wanted = [(aud, state.version_for(aud)) for aud in audiences_of(roles) if state.version_for(aud)]
    if not wanted:
        return []
    # One query: this person's signatures of the versions concerned.
    mine = list(
        Signature.objects.filter(person=user, version__in=[v for _, v in wanted]).values_list("version_id", "signed_at")
    )
    result = []
    for audience, version in wanted:
        times = [signed_at for version_id, signed_at in mine if version_id == version.pk]
        cutoff = state.term_start if audience == Audience.POLITICIANS else None
        valid = any(cutoff is None or t >= cutoff for t in times)
        result.append(SigningDue(version, audience, valid, bool(times) and not valid))
    return result


# The current version of each audience with the electoral term's start and the person's
# latest signature of it: one plain query (portal/rawsql.py; the ORM's subqueries and
# select_related cost several times the SQL's time in Python).
_SIGNING_STATUS_SQL = """
SELECT cc.audience, v.id, v.number,
       (SELECT t.starts_on FROM organisation_electoralterm t
        WHERE t.starts_on <= %%s AND t.ends_on >= %%s ORDER BY t.starts_on DESC LIMIT 1),
       (SELECT MAX(s.signed_at) FROM codex_signature s WHERE s.person_id = %%s AND s.version_id = cc.version_id)
FROM codex_currentcode cc
JOIN codex_codeversion v ON v.id = cc.version_id
WHERE cc.audience IN (%s)
"""


def signing_status_at_once(user) -> list[SigningDue]:
    """`signing_status(user)` in one query instead of three (the start page and the banner
    after login): the current versions of the person's audiences, each with the
    electoral term's start and the person's latest signature of it as subqueries."""
    audiences = audiences_of(roles_of(user))
    if not audiences:
        return []
    from portal.rawsql import aware, db_date, in_list, rows

    today = db_date(timezone.localdate())
    placeholders, wanted = in_list(audiences)
    found = {
        audience: (version_id, number, term_starts_on, latest_signed_at)
        for audience, version_id, number, term_starts_on, latest_signed_at in rows(
            _SIGNING_STATUS_SQL % placeholders, [today, today, user.pk, *wanted]
        )
    }
    result = []
    for audience in audiences:
        if audience not in found:
            continue
        version_id, number, term_starts_on, latest_signed_at = found[audience]
        latest_signed_at = aware(latest_signed_at)
        if isinstance(term_starts_on, str):  # SQLite: a subquery's date is text
            term_starts_on = dt.date.fromisoformat(term_starts_on)
        cutoff = None
        if audience == Audience.POLITICIANS and term_starts_on is not None:
            cutoff = timezone.make_aware(dt.datetime.combine(term_starts_on, dt.time.min))
        valid = latest_signed_at is not None and (cutoff is None or latest_signed_at >= cutoff)
        # The version as far as the prompt reads it (its number); equal to the full row.
        version = CodeVersion(id=version_id, number=number)
        result.append(SigningDue(version, audience, valid, latest_signed_at is not None and not valid))
    return result


# --- The register ------------------------------------------------------------------------


REGISTER_FILTERS = ("committee", "centre", "workplace", "role", "status")

# The role names in the singular, as the register and its CSV show them. (The same
# msgids as organisation.Role, so this app's catalogue also translates them there.)
ROLE_LABELS = {
    Role.COMMITTEE_MEMBER.value: _("committee member"),
    Role.COMMITTEE_CHAIR.value: _("committee chair"),
    Role.WORKPLACE_LEADER.value: _("workplace leader"),
    Role.EMPLOYEE.value: _("employee"),
    Role.UNION_REP.value: _("union representative"),
    Role.MED_CONTACT.value: _("MED contact"),
    Role.CENTRE_HEAD.value: _("centre head"),
    Role.DIRECTOR.value: _("director"),
    Role.ADMINISTRATOR.value: _("administrator"),
}

# "committee members 9 of 11, leaders 31 of 40": the groups are named in the plural.
ROLE_PLURALS = {
    Role.COMMITTEE_MEMBER.value: _("committee members"),
    Role.COMMITTEE_CHAIR.value: _("committee chairs"),
    Role.WORKPLACE_LEADER.value: _("leaders"),
    Role.EMPLOYEE.value: _("employees"),
    Role.UNION_REP.value: _("union representatives"),
    Role.MED_CONTACT.value: _("MED contacts"),
    Role.CENTRE_HEAD.value: _("centre heads"),
    Role.DIRECTOR.value: _("directors"),
    Role.ADMINISTRATOR.value: _("administrators"),
}


def memberships_visible_to(user, *, roles: RoleSet | None = None, on: dt.date | None = None) -> QuerySet:
    """The current memberships whose signing state this person may see: leadership sees
    everyone; others see the committees, workplaces and centres they belong to. (`roles`
    and `on`, today, given: the compiled reads' stand-ins, see register_page.)"""
    roles = roles or roles_of(user)
    queryset = Membership.objects.current(on)
    if roles.is_leadership:
        return queryset
    scope = (
        Q(committee_id__in=roles.committee_ids)
        | Q(workplace_id__in=roles.staff_workplace_ids)
        | Q(workplace__centre_id__in=roles.headed_centre_ids)
        | Q(centre_id__in=roles.headed_centre_ids)
    )
    if not (roles.committee_ids or roles.staff_workplace_ids or roles.headed_centre_ids):
        return queryset.none()
    return queryset.filter(scope)


def _signed_expression(state: CodeState):
    politicians = valid_signatures(state, Audience.POLITICIANS, OuterRef("person"))
    employees = valid_signatures(state, Audience.EMPLOYEES, OuterRef("person"))
    whens = []
    if politicians is not None:
        whens.append(When(role__in=POLITICIAN_ROLE_VALUES, then=Exists(politicians)))
    if employees is not None:
        whens.append(When(role__in=EMPLOYEE_ROLE_VALUES, then=Exists(employees)))
    return Case(*whens, default=Value(False), output_field=BooleanField())


def _signed_at_expression(state: CodeState):
    # A LIMIT 1 subquery per row rather than EXISTS: PostgreSQL turns an EXISTS in the
    # select list into a "hashed SubPlan" that reads every signature of the version
    # (60,000 at scale) before the first row, while this one is an index-only probe of
    # signature_person_version per row — 50 probes for a page of the register.
    politicians = valid_signatures(state, Audience.POLITICIANS, OuterRef("person"))
    employees = valid_signatures(state, Audience.EMPLOYEES, OuterRef("person"))
    whens = []
    if politicians is not None:
        whens.append(
            When(
                role__in=POLITICIAN_ROLE_VALUES,
                then=Subquery(politicians.order_by("-signed_at").values("signed_at")[:1]),
            )
        )
    if employees is not None:
        whens.append(
            When(role__in=EMPLOYEE_ROLE_VALUES, then=Subquery(employees.order_by("-signed_at").values("signed_at")[:1]))
        )
    return Case(*whens, default=Value(None), output_field=DateTimeField())


def _concerned_roles(state: CodeState) -> list[str]:
    roles = []
    if state.version_for(Audience.POLITICIANS):
        roles += POLITICIAN_ROLE_VALUES
    if state.version_for(Audience.EMPLOYEES):
        roles += EMPLOYEE_ROLE_VALUES
    return roles


def _register_scope(
    user,
    state: CodeState,
    filters: dict[str, str],
    *,
    roles: RoleSet | None = None,
    on: dt.date | None = None,
    few: bool = True,
) -> QuerySet:
    """The memberships the register shows for these filters, status aside. `few`: the
    leadership's filters looked up first (_filter_candidates), as suits a few rows."""
    roles = roles or roles_of(user)
    queryset = memberships_visible_to(user, roles=roles, on=on).filter(
        role__in=_concerned_roles(state), person__is_active=True
    )
    if filters.get("committee"):
        queryset = queryset.filter(committee__slug=filters["committee"])
    if filters.get("centre"):
        queryset = queryset.filter(Q(centre__slug=filters["centre"]) | Q(workplace__centre__slug=filters["centre"]))
    if filters.get("workplace"):
        queryset = queryset.filter(workplace__slug=filters["workplace"])
    if filters.get("role") in Role.values:
        queryset = queryset.filter(role=filters["role"])
    if roles.is_leadership and few:
        for candidates in _filter_candidates(filters):
            queryset = queryset.filter(pk__in=candidates)
    return queryset


def _filter_candidates(filters: dict[str, str]) -> list[QuerySet]:
    """The memberships of the chosen centre and of the chosen role, as id subqueries that
    the leadership's register adds to its filters (which stay as they are, so the rows do
    too). Without them PostgreSQL walked every person by name and tested each membership
    until a page was found (a small centre's page 180 ms, a director's signed 30 ms): the
    centre's two ways in (its own heads, its workplaces' staff) are an OR over two joins
    that no index serves, and a rare role's share is unknown behind the "has signed"
    subqueries. As semi-joins they are looked up first (the centre's through the
    memberships' centre and workplace indexes) and the page sorts their rows (a small
    centre's 1 ms instead of 180). Only the roles that few hold (_FEW_HOLDERS); for the
    counts always, for the page only when its rows are few (register_rows' `few`: a
    centre of 3,000 roles is found sooner by walking the people by name)."""
    found = []
    centre = filters.get("centre")
    if centre:
        heads = Membership.objects.filter(centre__slug=centre).order_by().values("pk")
        staff = Membership.objects.filter(workplace__centre__slug=centre).order_by().values("pk")
        found.append(heads.union(staff, all=True))
    if filters.get("role") in _FEW_HOLDERS:
        found.append(Membership.objects.filter(role=filters["role"]).order_by().values("pk"))
    return found


# Roles held once or a few times per committee, centre or the municipality, never per
# workplace: walking the people by name finds few of them (a page of the many workplace
# roles or committee members is found within a few thousand people, faster than looking
# up and sorting all of them).
_FEW_HOLDERS = frozenset(
    role.value for role in (*CENTRE_ROLES, *MUNICIPALITY_ROLES, *SECRETARY_ROLES, Role.COMMITTEE_CHAIR)
)
# The administrator's "not signed" among all roles, the employees or the committee members:
# _unsigned_candidates' parts. (A workplace's leaders, union representatives and MED
# contacts, a few thousand, are found faster by their role than by the anti-join.)
_MANY_HOLDERS = frozenset(("", Role.EMPLOYEE, Role.COMMITTEE_MEMBER))


def _unsigned_candidates(state: CodeState, role: str = "") -> QuerySet | None:
    """A superset of the memberships not validly signed, as an id subquery, for the
    administrator's "not signed" filter (register_rows keeps its own test of every row):
    the employee roles of the people with no signature of the employees' version, found
    by one anti-join of the people with the signatures' (version, person) index, and every
    politician's membership (a few hundred, all on a committee: the membership table's
    check constraint), whose signatures the term may void. Walking the people by name and
    testing each membership took 200 ms for the 86 rows not signed among 62,000 (a
    committee member's 10 among 680, 60-100 ms). `role`: the role chosen, whose audience's
    part alone is wanted."""
    parts = []
    employees = state.version_for(Audience.EMPLOYEES)
    if employees is not None and role in ("", Role.EMPLOYEE):
        never_signed = get_user_model().objects.filter(
            ~Exists(Signature.objects.filter(person=OuterRef("pk"), version=employees))
        )
        parts.append(
            Membership.objects.filter(role__in=EMPLOYEE_ROLE_VALUES, person__in=never_signed).order_by().values("pk")
        )
    if state.version_for(Audience.POLITICIANS) is not None and role in ("", Role.COMMITTEE_MEMBER):
        # committee IS NOT NULL: the committee index finds them (there is none on the role).
        parts.append(
            Membership.objects.filter(role__in=POLITICIAN_ROLE_VALUES, committee__isnull=False).order_by().values("pk")
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)


def names_scope(user, *, roles: RoleSet | None = None) -> Q | None:
    """Whose signing state this person may see by name (issue 18.4, "a code of rules of
    play, not a roll call"): administrators everyone; a workplace leader their
    workplace's staff; a committee chair their committee's members. Everyone else —
    members, employees, centre heads and directors too — sees the shares per group only,
    so nobody is marked "not signed" before colleagues. None: no names at all."""
    roles = roles or roles_of(user)
    if roles.is_administrator:
        return Q()
    if not (roles.led_workplace_ids or roles.chaired_committee_ids):
        return None
    return Q(workplace_id__in=roles.led_workplace_ids) | Q(committee_id__in=roles.chaired_committee_ids)


def sees_names(user) -> bool:
    return names_scope(user) is not None


def register_rows(
    user,
    state: CodeState,
    filters: dict[str, str],
    *,
    roles: RoleSet | None = None,
    on: dt.date | None = None,
    few: bool = True,
) -> QuerySet:
    """Memberships concerned by a current code whose names this person may see
    (names_scope), annotated with `has_signed`/`signed_at`, in name order (see
    register_page_rows). The status filter is theirs alone; for everyone else, none.
    `few`: the rows are few (FEW_ROWS), so they are looked up first and sorted (the
    candidates); with many, walking the people by name finds a page sooner (a centre of
    3,000 roles 7 ms, its 3,000 rows looked up and sorted 20)."""
    scope = names_scope(user, roles=roles)
    if scope is None:
        return Membership.objects.none()
    signed_at = _signed_at_expression(state)
    queryset = (
        _register_scope(user, state, filters, roles=roles, on=on, few=few)
        .filter(scope)
        .annotate(signed_at=signed_at)
        .annotate(
            has_signed=Case(When(signed_at__isnull=False, then=Value(True)), default=Value(False)),
        )
    )
    if filters.get("status") == "signed":
        queryset = queryset.filter(signed_at__isnull=False)
    elif filters.get("status") == "unsigned":
        queryset = queryset.filter(signed_at__isnull=True)
        # The administrator's: a leader's or a chair's rows are few already, and a chosen
        # unit or a role few hold narrows the rows first (_filter_candidates).
        role = filters.get("role") if filters.get("role") in Role.values else ""
        unit = any(filters.get(name) for name in _UNIT_FILTERS)
        if few and (roles or roles_of(user)).is_administrator and not unit and role in _MANY_HOLDERS:
            candidates = _unsigned_candidates(state, role)
            if candidates is not None:
                queryset = queryset.filter(pk__in=candidates)
    return queryset


def named_row_counts(user, state: CodeState, filters: dict[str, str]) -> dict[str, int]:
    """Rows in all, signed and not signed among those this person sees by name: one
    aggregate over a workplace's or a committee's people (leaders and chairs; an
    administrator's counts come from the cached register_counts instead). The queryset
    compiled once per shape (register_page)."""
    if names_scope(user) is None:
        return {"": 0, "signed": 0, "unsigned": 0}
    compiled, values = _compiled_register_read(("named counts",), user, state, filters, _named_counts_query)
    # No row without a query: nobody is concerned (no current version), as aggregate() says 0.
    total, signed = next(iter(compiled.rows(values)), (0, 0))
    return {"": total, "signed": signed, "unsigned": total - signed}


def _named_counts_query(user, state, filters: dict[str, str], *, roles: RoleSet, on: dt.date) -> QuerySet:
    # named_row_counts' aggregate as a queryset (one row, no GROUP BY: grouped by a
    # constant) so that it compiles once.
    return (
        _register_scope(user, state, filters, roles=roles, on=on)
        .filter(names_scope(user, roles=roles))
        .annotate(has_signed=_signed_expression(state))
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(total=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
        .order_by()
        .values_list("total", "signed")
    )


class _StandInState:
    """A CodeState as far as the register's querysets read it (valid_signatures,
    _concerned_roles): the current version of each audience and the term's start, as
    stand-ins."""

    def __init__(self, versions: dict[str, CodeVersion], term_start: dt.datetime | None) -> None:
        self.versions = versions
        self.term_start = term_start

    def version_for(self, audience: str) -> CodeVersion | None:
        return self.versions.get(audience)


# The register's reads compiled once per shape (samspil/compiled.py): building and
# compiling the rows' and the counts' querysets (the visibility rule, the filters, a
# signed-at subquery per audience) cost 5–12 ms of Python a request against 1–2 ms of SQL.
_REGISTER_READS = CompiledQueries()
_UNIT_FILTERS = ("committee", "centre", "workplace")


def _compiled_register_read(key: tuple, user, state: CodeState, filters: dict[str, str], build):
    """`build(user, state, filters, roles=, on=)`'s queryset compiled for this reader's
    shape, and the values to run it with. The shape: the query's own `key`, the reader's
    roles (id_sets), which audiences have a current version, whether a term holds today,
    which unit filters are set, the role and status filters (a handful of values each, in
    the key as they are). Stood in: today, the versions, the term's start, the units'
    slugs and the reader's ids."""
    roles = roles_of(user)
    shape, real = id_sets(roles)
    units = tuple(name for name in _UNIT_FILTERS if filters.get(name))
    role = filters.get("role") if filters.get("role") in Role.values else ""
    status = filters.get("status") if filters.get("status") in ("signed", "unsigned") else ""
    audiences = tuple(sorted(state.versions))
    term_start = state.term_start
    values = {
        "on": timezone.localdate(),
        **{f"version {audience}": state.versions[audience].pk for audience in audiences},
        **({"term start": term_start} if term_start is not None else {}),
        **{name: filters[name] for name in units},
        **real,
    }
    full_key = (connection.vendor, key, shape, audiences, term_start is not None, units, role, status)

    def compile_read() -> CompiledQuery:
        stand_ins = StandIns()
        fake_state = _StandInState(
            {audience: CodeVersion(pk=stand_ins.id(f"version {audience}")) for audience in audiences},
            stand_ins.datetime("term start") if term_start is not None else None,
        )
        fake_filters = {name: stand_ins.text(name) for name in units}
        fake_filters.update(role=role, status=status)
        on = stand_ins.date("on")
        fake_roles = stand_in_sets(roles, stand_ins)
        compiled = CompiledQuery(build(user, fake_state, fake_filters, roles=fake_roles, on=on), stand_ins)
        # The reader's sets a rule does not read are left out; every other stand-in must
        # be in the query (or a request's own value would be left out of it).
        found = {getattr(param, "name", None) for param in compiled.template}
        missing = {name for name in values if name not in real} - found
        if compiled.sql and missing:
            raise ValueError(f"values not among the register query's parameters: {sorted(missing)}")
        if compiled.sql and not role and status != "unsigned":
            # One plan (samspil/db.py): PostgreSQL planned the administrator's page afresh on
            # every request (0.4-1.2 ms of planning for 0.5 ms of running; its generic plan
            # runs as fast, as it does for the unit filters and a leader's or chair's page
            # and counts). Not with a role filter: the role is a parameter, and the generic
            # plan of a rare role walks every membership (150 ms for 6); nor for "not
            # signed", whose generic plan ran some 6 % slower (260 ms against 245).
            compiled.sql = f"{compiled.sql} {ONE_PLAN}"
        return compiled

    return _REGISTER_READS.get(full_key, compile_read), values


def register_page(
    user, state: CodeState, filters: dict[str, str], bottom: int, top: int, *, few: bool = True
) -> list[tuple]:
    """Rows `bottom` to `top` of register_page_values(register_rows(...)), by a query
    compiled once per shape and page; no rows (and no query) for those who see no names.
    `few`: as register_rows'."""
    if names_scope(user) is None:
        return []

    def build(user, state, filters, *, roles, on):
        rows = register_rows(user, state, filters, roles=roles, on=on, few=few)
        # Sorted when the rows are few and the leadership's candidates find them first.
        return register_page_values(rows, sort=few and roles.is_leadership)[bottom:top]

    compiled, values = _compiled_register_read(("page", bottom, top, few), user, state, filters, build)
    return compiled.rows(values)


# Up to this many rows the register's page looks its rows up first and sorts them
# (register_rows' `few`); a sort of 1,500 rows and walking the people by name to a page
# of rows that many share cost about the same.
FEW_ROWS = 1500


class RegisterPageRows:
    """The register's rows for a paginator: a slice is register_page's query. `count`: how
    many rows there are (the counts read them first), which decides `few`."""

    def __init__(self, user, state: CodeState, filters: dict[str, str], count: int) -> None:
        self.user, self.state, self.filters = user, state, filters
        self.few = count <= FEW_ROWS

    def __getitem__(self, item: slice) -> list[tuple]:
        return register_page(self.user, self.state, self.filters, item.start or 0, item.stop, few=self.few)


def register_page_rows(queryset: QuerySet, state: CodeState | None = None) -> QuerySet:
    # Name order walks the accounts_user (full_name, id) index (accounts.User.Meta) and stops
    # after a page: no sort of every membership by a computed "has signed". Who has not
    # signed is one click away (the status filter, and the link beside the counts).
    return queryset.select_related("person", "committee", "workplace", "centre").order_by(
        "person__full_name", "person_id", "role", "pk"
    )


# The register page's columns, in register_page_rows' order ("unit" is the committee's,
# workplace's or centre's name, as Membership.unit).
REGISTER_ROW_FIELDS = (
    "person_id",
    "person__full_name",
    "person__email",
    "role",
    "unit_name",
    "signed_at",
)


def _unit_name(model):
    return Subquery(model.objects.filter(pk=OuterRef(f"{model._meta.model_name}_id")).order_by().values("name")[:1])


def register_page_values(queryset: QuerySet, *, sort: bool = False) -> QuerySet:
    """register_rows in the page's order as plain values (REGISTER_ROW_FIELDS): no five model
    instances a row, no workplace texts read, one "signed at" probe a row. The unit's name
    is a subquery per row of the page rather than three outer joins: the joins tripled the
    statement's planning time (≈2 ms of planning for 1 ms of execution). The workplace's
    first: a membership has one kind of unit (the table's check constraint) and most are a
    workplace's, whose rows then skip the committee's subquery (a scan of the committees
    for a null id on each of them). `sort`: the name as an expression (`|| ''`, the same
    order), which no index gives, so that PostgreSQL sorts the few rows looked up first
    rather than walk every person by name expecting to stop early (a small centre's
    employees who signed: 2 rows, 50 ms)."""
    name = Concat("person__full_name", Value(""), output_field=CharField()) if sort else F("person__full_name")
    return (
        queryset.annotate(
            unit_name=Coalesce(_unit_name(Workplace), _unit_name(Committee), _unit_name(Centre)),
        )
        .order_by(name.asc(), "person_id", "role", "pk")
        .values_list(*REGISTER_ROW_FIELDS)
    )


@dataclass(slots=True)
class RegisterPerson:
    full_name: str
    email: str


@dataclass(slots=True)
class RegisterRow:
    """One row of the register page: a person in one role, and whether they have signed."""

    person_id: int
    person: RegisterPerson
    role: str
    role_label: str
    unit: str | None
    signed_at: dt.datetime | None
    signed_on: str

    @property
    def has_signed(self) -> bool:
        return self.signed_at is not None


def register_page_list(values) -> list[RegisterRow]:
    """The page's rows from register_page_values: each role's label and each day's date
    written once for the page."""
    from django.utils.formats import date_format
    from django.utils.text import capfirst

    role_names = dict(Role.choices)
    labels: dict[str, str] = {}
    days: dict[dt.date, str] = {}
    # timezone.localtime's conversion, with the zone looked up once for the page.
    zone = timezone.get_current_timezone()
    rows = []
    for person_id, full_name, email, role, unit, signed_at in values:
        label = labels.get(role)
        if label is None:
            label = labels[role] = capfirst(str(role_names.get(role, role)))
        signed_on = ""
        if signed_at is not None:
            day = signed_at.astimezone(zone).date()
            signed_on = days.get(day) or days.setdefault(day, date_format(day, "SHORT_DATE_FORMAT"))
        rows.append(RegisterRow(person_id, RegisterPerson(full_name, email), role, label, unit, signed_at, signed_on))
    return rows


def group_shares(queryset: QuerySet) -> list[dict]:
    """Signed and total people per role: one GROUP BY query. Also the number of rows
    (memberships) per role, signed and in all, which the register's pages count from."""
    return share_rows(group_share_counts(queryset))


def group_share_counts(queryset: QuerySet) -> list[tuple[str, int, int, int, int]]:
    """group_shares' figures as plain tuples (role, signed, total, rows, signed rows), in
    the database's role order: what the register caches (no translatable labels, whose
    lazy proxies cost a class each to unpickle)."""
    return list(
        queryset.order_by()
        .values("role")
        .annotate(
            signed=Count("person", distinct=True, filter=Q(has_signed=True)),
            total=Count("person", distinct=True),
            rows=Count("pk"),
            signed_rows=Count("pk", filter=Q(has_signed=True)),
        )
        .order_by("role")
        .values_list("role", "signed", "total", "rows", "signed_rows")
    )


def share_rows(counts) -> list[dict]:
    """group_share_counts' tuples as the figures' rows: each role's label, its share, in
    the roles' order."""
    labels = {**dict(Role.choices), **ROLE_PLURALS}
    order = {value: index for index, value in enumerate(Role.values)}
    result = [
        {
            "role": role,
            "label": labels.get(role, role),
            "signed": signed,
            "total": total,
            "rows": rows,
            "signed_rows": signed_rows,
            "percent": round(100 * signed / total) if total else 0,
        }
        for role, signed, total, rows, signed_rows in counts
    ]
    return sorted(result, key=lambda row: order.get(row["role"], 99))


# The counts are one pass over every membership concerned (62,000 at scale, ~0.3–0.9 s),
# so they are cached. The key holds what makes them change: the current versions, the
# term, today's date, the filters, the viewer's scope, the newest signature and
# membership ids (a signature or a new role is seen at once), and a generation that an
# erasure moves. What no key sees (a role ended early, an account deactivated) shows
# within REGISTER_COUNTS_SECONDS.
REGISTER_COUNTS_SECONDS = 60
_GENERATION_KEY = "codex:register:generation"


_UNREAD = object()


@dataclass(frozen=True)
class RegisterCounts:
    shares: list[dict]
    anonymised: int

    def rows(self, status: str = "") -> int:
        total = sum(row["rows"] for row in self.shares)
        signed = sum(row["signed_rows"] for row in self.shares)
        return {"signed": signed, "unsigned": total - signed}.get(status, total)


def register_counts_changed() -> None:
    """Make the next register view count again (called after an erasure commits)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def register_counts(user, state: CodeState, filters: dict[str, str], *, newest=_UNREAD) -> RegisterCounts:
    """The shares per group, the number of rows per status and the anonymised signatures
    of the current versions: 1 query when cached, 3 when not (one less each when the
    newest ids come with `newest`, from register_state)."""
    # Query 1: the newest membership and signature ids.
    if newest is _UNREAD:
        newest = _newest_ids()
    roles = roles_of(user)
    key_parts = [
        "leadership" if roles.is_leadership else f"user{user.pk}",
        ",".join(f"{aud}={v.pk}" for aud, v in sorted(state.versions.items())),
        state.term.pk if state.term else 0,
        timezone.localdate().isoformat(),
        newest,
        sorted((k, v) for k, v in filters.items() if k != "status" and v),
    ]
    key = "codex:register:counts:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    # One round trip for the generation and the counts: the counts carry the generation
    # they were counted in, and an erasure's new generation makes them count again.
    found = cache.get_many([_GENERATION_KEY, key])
    generation = found.get(_GENERATION_KEY, 0)
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        return RegisterCounts(shares=share_rows(cached[1]), anonymised=cached[2])
    # Query 2: the shares (GROUP BY role with EXISTS).
    scope = _register_scope(user, state, filters).annotate(has_signed=_signed_expression(state))
    counts = group_share_counts(scope)
    # Query 3: signatures of the current versions whose signer was erased.
    anonymised = anonymised_signatures(user, state, {**filters, "status": ""}).count()
    # Plain tuples: no lazy labels to unpickle on every view.
    cache.set(key, (generation, counts, anonymised), REGISTER_COUNTS_SECONDS)
    return RegisterCounts(shares=share_rows(counts), anonymised=anonymised)


def anonymised_signatures(user, state: CodeState, filters: dict[str, str]) -> QuerySet:
    """(version number, signed at) of the current versions' signatures whose signer was
    erased. They belong to no unit or role any more, so any unit, role or "not signed"
    filter leaves them out; only leadership sees them (they were everyone's)."""
    version_ids = [v.pk for v in state.distinct_versions()]
    narrowed = any(filters.get(name) for name in ("committee", "centre", "workplace", "role"))
    if not version_ids or narrowed or filters.get("status") == "unsigned" or not roles_of(user).is_leadership:
        return Signature.objects.none().values_list("version__number", "signed_at")
    # Erasure always deactivates the account (accounts.privacy.person_erase): joining the
    # few inactive people first spares an anti-join over every signature of the version.
    return (
        Signature.objects.filter(version__in=version_ids, person__is_active=False, identity__isnull=True)
        .order_by("sequence")
        .values_list("version__number", "signed_at")
    )


def public_figures(state: CodeState) -> list[dict]:
    """The public page's numbers (no names): per role over everyone concerned."""
    audiences = [aud for aud in (Audience.POLITICIANS, Audience.EMPLOYEES) if state.version_for(aud)]
    if not audiences:
        return []
    roles = []
    if Audience.POLITICIANS in audiences:
        roles += POLITICIAN_ROLE_VALUES
    if Audience.EMPLOYEES in audiences:
        roles += EMPLOYEE_ROLE_VALUES
    queryset = (
        Membership.objects.current()
        .filter(role__in=roles, person__is_active=True)
        .annotate(has_signed=_signed_expression(state))
    )
    return group_shares(queryset)


def people_to_remind(version: CodeVersion, state: CodeState) -> QuerySet:
    """Active people concerned by `version` (it is current for their audience) who have
    not signed it validly: the reminder fan-out's population, one SQL query."""
    User = get_user_model()
    conditions = Q(pk__in=[])
    for audience, role_values in (
        (Audience.POLITICIANS, POLITICIAN_ROLE_VALUES),
        (Audience.EMPLOYEES, EMPLOYEE_ROLE_VALUES),
    ):
        current = state.version_for(audience)
        if current is None or current.pk != version.pk:
            continue
        concerned = Exists(Membership.objects.current().filter(person=OuterRef("pk"), role__in=role_values))
        signed = Exists(valid_signatures(state, audience, OuterRef("pk")))
        conditions |= Q(concerned) & ~Q(signed)
    return User.objects.filter(conditions, is_active=True)


def reminder_progress(version: CodeVersion) -> list[dict]:
    """Sending progress per reminder round: the rounds, and one aggregate over their outbox rows."""
    from outbox.models import Email

    rounds = list(ReminderRound.objects.filter(version=version).order_by("-number"))
    counts: dict[tuple[str, str], int] = {
        (row["topic"], row["outcome"]): row["n"]
        for row in Email.objects.filter(topic__in=[f"codex.round:{r.pk}" for r in rounds])
        .values("topic", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for row in rounds:
        topic = f"codex.round:{row.pk}"
        row.queued = counts.get((topic, Email.Outcome.PENDING), 0)
        row.sent = counts.get((topic, Email.Outcome.SENT), 0)
        row.skipped = counts.get((topic, Email.Outcome.SKIPPED), 0)
        row.failed = counts.get((topic, Email.Outcome.FAILED), 0)
        row.created = row.queued + row.sent + row.skipped + row.failed
    result = []
    for row in rounds:
        done = row.sent + row.skipped + row.failed
        total = row.recipients if row.fanned_out_at else max(row.created, row.recipients)
        result.append(
            {
                "round": row,
                "number": row.number,
                "fanned_out": row.fanned_out_at is not None,
                "total": total,
                "done": done,
                "sent": row.sent,
                "skipped": row.skipped,
                "failed": row.failed,
                "queued": row.queued,
                "finished": row.fanned_out_at is not None and row.queued == 0,
                "percent": round(100 * done / total) if total else (100 if row.fanned_out_at else 0),
            }
        )
    return result


def recent_anchors(days: int = 7) -> list[ChainAnchor]:
    """The newest daily anchors of the chain head, for the public code page: anyone can
    note a day's head and count and hold the register to it later."""
    return list(ChainAnchor.objects.order_by("-day")[:days])


# --- What changed since the version I signed (issue 18.4) -------------------------------


def previous_signed_versions(user, due: list[SigningDue]) -> dict[str, CodeVersion]:
    """Per audience still to sign: the newest other version of that audience this person
    signed before (one query), so the sign page can show what changed since."""
    from .models import audiences_covered

    wanted = {d.audience: d.version for d in due if not d.signed}
    if not wanted:
        return {}
    found: dict[str, CodeVersion] = {}
    signed = (
        Signature.objects.filter(person=user)
        .exclude(version__in=[v.pk for v in wanted.values()])
        .select_related("version")
        .order_by("-version__number")
    )
    for signature in signed:
        for audience in audiences_covered(signature.version.audience):
            if audience in wanted and audience not in found and signature.version.number < wanted[audience].number:
                found[audience] = signature.version
    return found


def _version_lines(version: CodeVersion) -> list[tuple[str, str]]:
    """A version as (section, line) pairs in reading order, for a side-by-side diff. The
    parts are read from the prefetched `points` and `dilemmas` (views._with_parts)."""
    from .models import CodePoint

    def flat(text: str) -> str:
        return " ".join(text.split())

    lines = [(str(_("Title")), flat(version.title))]
    lines += [
        (str(_("Preamble")), flat(paragraph)) for paragraph in version.preamble.split("\n\n") if paragraph.strip()
    ]
    for point in version.points.all():
        section = str(_("Duties") if point.kind == CodePoint.Kind.DUTY else _("Our values"))
        lines.append((section, f"{flat(point.title)}: {flat(point.explanation)}"))
    for case in version.dilemmas.all():
        section = str(_("Dilemmas"))
        lines.append((section, flat(case.title)))
        lines.append((section, f"{_('The situation')}: {flat(case.situation)}"))
        lines.append((section, f"{_('What the code asks')}: {flat(case.discussion)}"))
    return lines


def _mark_words(a: str, b: str) -> tuple[SafeString, SafeString]:
    """Changed words within a changed line: <del> on the left, <ins> on the right (the
    same marking as agreements.selectors.compare_revisions)."""
    left_words, right_words = a.split(" "), b.split(" ")
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left_words, right_words).get_opcodes():
        old, new = escape(" ".join(left_words[i1:i2])), escape(" ".join(right_words[j1:j2]))
        if tag == "equal":
            left.append(old)
            right.append(new)
        else:
            if old:
                left.append(f"<del>{old}</del>")
            if new:
                right.append(f"<ins>{new}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (escaped above)  # nosec B308 B703


def version_changes(old: CodeVersion, new: CodeVersion) -> list[dict]:
    """What changed from `old` to `new`, side by side: the changed lines only, each
    {"section", "tag": replace|delete|insert, "left": html, "right": html}, in reading
    order; unchanged lines are left out (the whole new text is shown below the diff)."""
    a, b = _version_lines(old), _version_lines(new)
    rows: list[dict] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for offset in range(max(i2 - i1, j2 - j1)):
            left = a[i1 + offset] if i1 + offset < i2 else None
            right = b[j1 + offset] if j1 + offset < j2 else None
            if left is not None and right is not None:
                marked_left, marked_right = _mark_words(left[1], right[1])
                rows.append({"section": right[0], "tag": "replace", "left": marked_left, "right": marked_right})
            elif left is not None:
                deleted = mark_safe(f"<del>{escape(left[1])}</del>")  # noqa: S308  # nosec B308 B703
                rows.append({"section": left[0], "tag": "delete", "left": deleted, "right": ""})
            else:
                inserted = mark_safe(f"<ins>{escape(right[1])}</ins>")  # noqa: S308  # nosec B308 B703
                rows.append({"section": right[0], "tag": "insert", "left": "", "right": inserted})
    return rows
