"""What a person is today: the one place every permission and menu reads roles from.

`roles_of(user)` caches the answer on the user object, so a page that checks twenty
permissions reads roles once. The signed-in user of a request brings their current
memberships with them (`with_current_roles`, annotated on the user's own query by
accounts.backends.AuthenticationBackend): no query of its own; any other user object
costs one query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Aggregate, Func, OuterRef, QuerySet, Subquery, TextField
from django.utils import timezone

from .models import STAFF_VOICE_ROLES, WORKPLACE_ROLES, Membership, Role

_CACHE_ATTR = "_samspil_roles"
# The current memberships as loaded with the user (JSON text: [[role, committee, workplace,
# centre], …], or None for none), read by the first roles_of().
_ROWS_ATTR = "_samspil_membership_rows"
_MISSING = object()


@dataclass(frozen=True)
class RoleSet:
    committee_ids: frozenset[int] = frozenset()
    chaired_committee_ids: frozenset[int] = frozenset()
    led_workplace_ids: frozenset[int] = frozenset()
    # Every workplace the person works at: leaders, employees, union representatives and
    # MED contacts.
    staff_workplace_ids: frozenset[int] = frozenset()
    # Where the person speaks for the staff (union representative, MED contact): told of
    # the workplace's hearings beside the leader (cases/).
    staff_voice_workplace_ids: frozenset[int] = frozenset()
    headed_centre_ids: frozenset[int] = frozenset()
    # Committees whose secretariat the person is (cases/): not a seat on the committee.
    secretary_committee_ids: frozenset[int] = frozenset()
    is_director: bool = False
    is_administrator: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_politician(self) -> bool:
        return bool(self.committee_ids)

    @property
    def is_leadership(self) -> bool:
        """Directors and administrators see the whole municipality."""
        return self.is_director or self.is_administrator


EMPTY = RoleSet()


class _Row(Func):
    """A membership as a JSON array (role, committee_id, workplace_id, centre_id)."""

    function = "JSONB_BUILD_ARRAY"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_ARRAY", **extra)


class _Rows(Aggregate):
    """The rows as one JSON array: read back as text and decoded by roles_of()."""

    function = "JSONB_AGG"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


FOLDS_ROLES = frozenset({"postgresql", "sqlite"})


def with_current_roles(users: QuerySet, on=None) -> QuerySet:
    """`users` with each one's memberships current today (or `on`) in the same query
    (PostgreSQL, SQLite: see FOLDS_ROLES); roles_of() reads them instead of querying."""
    rows = (
        Membership.objects.current(on or timezone.localdate())
        .filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(rows=_Rows(_Row("role", "committee_id", "workplace_id", "centre_id")))
        .values("rows")
    )
    return users.annotate(**{_ROWS_ATTR: Subquery(rows, output_field=TextField())})


def roles_of(user) -> RoleSet:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    loaded = getattr(user, _ROWS_ATTR, _MISSING)  # request.user is a lazy proxy: getattr
    if loaded is _MISSING:
        rows = (
            Membership.objects.current(timezone.localdate())
            .filter(person=user)
            .order_by()  # the model's ordering would join the person for nothing
            .values_list("role", "committee_id", "workplace_id", "centre_id")
        )
    else:
        rows = json.loads(loaded) if loaded else ()
    committees, chaired, led, staff, centres, roles = set(), set(), set(), set(), set(), set()
    secretary: set[int] = set()
    voice: set[int] = set()
    director = administrator = False
    for role, committee_id, workplace_id, centre_id in rows:
        roles.add(role)
        if role in (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR):
            committees.add(committee_id)
            if role == Role.COMMITTEE_CHAIR:
                chaired.add(committee_id)
        elif role in WORKPLACE_ROLES:
            staff.add(workplace_id)
            if role == Role.WORKPLACE_LEADER:
                led.add(workplace_id)
            elif role in STAFF_VOICE_ROLES:
                voice.add(workplace_id)
        elif role == Role.COMMITTEE_SECRETARY:
            secretary.add(committee_id)
        elif role == Role.CENTRE_HEAD:
            centres.add(centre_id)
        elif role == Role.DIRECTOR:
            director = True
        elif role == Role.ADMINISTRATOR:
            administrator = True
    result = RoleSet(
        committee_ids=frozenset(committees),
        chaired_committee_ids=frozenset(chaired),
        led_workplace_ids=frozenset(led),
        staff_workplace_ids=frozenset(staff),
        staff_voice_workplace_ids=frozenset(voice),
        headed_centre_ids=frozenset(centres),
        secretary_committee_ids=frozenset(secretary),
        is_director=director,
        is_administrator=administrator or user.is_superuser,
        roles=frozenset(roles),
    )
    setattr(user, _CACHE_ATTR, result)
    return result
