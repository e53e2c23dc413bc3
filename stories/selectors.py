"""Reads: the feed (keyset pagination), the public page, the leader's queue."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext

from organisation.models import BilingualName, Committee, Workplace
from organisation.roles import roles_of
from portal.rawsql import literal

from .models import ChallengeReply, Follow, Story, StoryPicture, Thanks, Theme

PAGE_SIZE = 20


def challenge_readers_condition(user) -> Q | None:
    """Which sent challenges this person reads (stories.view_story's concerns_challenge):
    None means all of them (the leadership)."""
    roles = roles_of(user)
    if roles.is_leadership:
        return None
    through = Workplace.committees.through
    return (
        Q(workplace_id__in=roles.staff_workplace_ids | roles.led_workplace_ids)
        | Q(workplace__centre_id__in=roles.headed_centre_ids)
        | Q(workplace_id__in=through.objects.filter(committee_id__in=roles.committee_ids).values("workplace_id"))
    )


def stories_visible_to(user) -> QuerySet[Story]:
    """The same rule as stories.view_story, as a queryset (see permissions.py)."""
    if not user.is_authenticated:
        return Story.objects.public()
    roles = roles_of(user)
    if roles.is_administrator:
        return Story.objects.all()
    challenges = challenge_readers_condition(user)
    published = Q(status=Story.Status.PUBLISHED)
    if challenges is not None:
        published &= Q(kind=Story.Kind.STORY) | challenges
    return Story.objects.filter(published | Q(author=user) | Q(workplace_id__in=roles.led_workplace_ids))


def challenges_visible_to(user) -> QuerySet[Story]:
    """Sent challenges this person may read (never for the anonymous)."""
    if not user.is_authenticated:
        return Story.objects.none()
    challenges = Story.objects.published().challenges()
    condition = challenge_readers_condition(user)
    return challenges if condition is None else challenges.filter(condition)


# --- Keyset pagination on (published_at, id) -------------------------------------------


def encode_cursor(story: Story) -> str:
    return encode_cursor_at(story.published_at, story.pk)


def encode_cursor_at(published_at: dt.datetime, pk: int) -> str:
    raw = f"{published_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|", 1)
        published_at = parse_datetime(stamp)
        if published_at is None:
            return None
        return published_at, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass
class FeedPage:
    stories: list
    next_cursor: str = ""
    is_first: bool = True
    follows: dict = field(default_factory=dict)


@dataclass(slots=True)
class StoryCard:
    """A story's card in the feed or on the public page (stories/_story_cards.jinja):
    plain values from one query, no model instances."""

    pk: int
    title: str
    summary: str
    published_at: dt.datetime
    visibility: str
    thanks_count: int
    workplace_name: str
    picture: dict | None  # the first picture: id, alt_text, width, height
    themes: list[str]  # the themes' labels, in the themes' order
    thanked: bool = False
    published_iso: str = ""  # published_at|date:"c"
    published_label: str = ""  # published_at|date:"j. F Y"
    url: str = ""  # the story's page (the public one on the public page)
    thank_url: str = ""
    picture_url: str = ""


@dataclass(slots=True)
class ChallengeCard:
    """A row of the challenges list (stories/challenges.jinja)."""

    pk: int
    title: str
    summary: str
    published_at: dt.datetime
    workplace_name: str
    answers: str  # "3 answers", the plural chosen here
    visit_wished: bool
    published_iso: str = ""  # published_at|date:"c"
    published_label: str = ""  # published_at|date:"j. F Y"
    url: str = ""


# --- The lists' reads in SQL written here ---------------------------------------------
#
# The feed's, the public page's and the challenges list's rows, and the filters' choices,
# are read with SQL written once in this module rather than built by the ORM per request:
# building and compiling the card query (three subqueries, the filters) cost more Python
# than the rest of the page's view. The SQL runs on PostgreSQL and SQLite alike (the one
# difference: string_agg / group_concat); the conditions are the same as the querysets'
# (`stories_visible_to`, `challenges_visible_to`, the models' managers), which the tests
# compare.

_STORY = Story._meta.db_table
_WORKPLACE = Workplace._meta.db_table
_WORKPLACE_COMMITTEES = Workplace.committees.through._meta.db_table
_STORY_THEMES = Story.themes.through._meta.db_table


class _Where:
    """An SQL condition built from parts, with its parameters in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.parts) or "1 = 1"

    @property
    def never(self) -> bool:
        """A part is never true: nothing to read (the ORM runs no query for an empty __in)."""
        return "1 = 0" in self.parts


def _in(column: str, ids) -> tuple[str, list]:
    """`column IN (ids)`, or never true for no ids (as the ORM's empty __in)."""
    ids = sorted(ids)
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _any_of(parts: list[tuple[str, list]]) -> tuple[str, list]:
    """The parts joined by OR, the never-true ones left out."""
    kept = [(sql, params) for sql, params in parts if sql != "1 = 0"]
    if not kept:
        return "1 = 0", []
    return "(" + " OR ".join(sql for sql, _ in kept) + ")", [p for _, params in kept for p in params]


def _in_committees_sql(committee_ids) -> tuple[str, list]:
    """The story's workplace is one of the committees' (`_in_committees`)."""
    condition, params = _in("committee_id", committee_ids)
    if condition == "1 = 0":
        return condition, params
    return f"s.workplace_id IN (SELECT workplace_id FROM {_WORKPLACE_COMMITTEES} WHERE {condition})", params  # noqa: S608  # nosec B608 (constants)


def _narrowed_sql(where: _Where, *, committee, workplace, followed) -> None:
    """`_narrowed` in SQL: a committee's workplaces, one workplace, what the person follows."""
    if committee:
        where.add(*_split(_in_committees_sql([committee])))
    if workplace:
        where.add("s.workplace_id = %s", workplace)
    if followed is not None:
        committee_ids, workplace_ids = followed
        where.add(*_split(_any_of([_in("s.workplace_id", workplace_ids), _in_committees_sql(committee_ids)])))


def _published(kind: str) -> str:
    """Published stories of one kind, the constants as literals: PostgreSQL can then plan
    the statement once and use the partial indexes on them (portal.rawsql.literal)."""
    return f"s.status = {literal(Story.Status.PUBLISHED)} AND s.kind = {literal(kind)}"


def _split(condition: tuple[str, list]) -> list:
    sql, params = condition
    return [sql, *params]


def _after_sql(where: _Where, cursor: str) -> None:
    """`_after` in SQL: (published_at, id) < the cursor's, as the story_feed index serves it."""
    position = decode_cursor(cursor)
    if position is None:
        return
    published_at, pk = position
    at = connection.ops.adapt_datetimefield_value(published_at)
    where.add("(s.published_at < %s OR (s.published_at = %s AND s.id < %s))", at, at, pk)


def _datetime_reader():
    """What the ORM does to a datetime column's value (SQLite: make it aware)."""
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is None:
        return lambda value: value
    return lambda value: convert(value, None, connection)


# Between a theme's name and its label, and between themes, in the cards' theme column.
_UNIT, _RECORD = "\x1f", "\x1e"


def _card_rows(where: _Where, *, user, size: int, theme_labels: bool = False) -> list[dict]:
    """The cards' values in the stories' own query, newest first, one more than a page:
    the first picture (id, width, height, alt text as one string) and the theme ids are
    subqueries, whether the reader thanked it an EXISTS. With `theme_labels` (the public
    page, which has no theme filter to read the themes for) the themes' labels in the
    themes' order instead of their ids: `themes`."""
    params: list = []
    if theme_labels:
        english = (get_language() or "da").startswith("en")  # BilingualName.label
        label = "th.name || %s || CASE WHEN %s AND th.name_en <> '' THEN th.name_en ELSE th.name END"
        params += [_UNIT, english]
        if connection.vendor == "postgresql":  # in the themes' order (the database's collation)
            joined = f"string_agg({label}, %s ORDER BY th.name)"
        else:  # SQLite: in Python, where the order of str is SQLite's (BINARY)
            joined = f"group_concat({label}, %s)"
        params.append(_RECORD)
        themes = f"(SELECT {joined} FROM {_STORY_THEMES} t INNER JOIN {Theme._meta.db_table} th ON th.id = t.theme_id WHERE t.story_id = s.id)"  # noqa: S608  # nosec B608 (constants)
    elif connection.vendor == "postgresql":
        themes = f"(SELECT string_agg(CAST(t.theme_id AS text), ',') FROM {_STORY_THEMES} t WHERE t.story_id = s.id)"  # noqa: S608  # nosec B608 (constants)
    else:
        themes = f"(SELECT group_concat(t.theme_id) FROM {_STORY_THEMES} t WHERE t.story_id = s.id)"  # noqa: S608  # nosec B608 (constants)
    thanked = ""
    if user is not None and user.is_authenticated:
        thanked = f", EXISTS(SELECT 1 FROM {Thanks._meta.db_table} h WHERE h.person_id = %s AND h.story_id = s.id)"  # noqa: S608  # nosec B608 (constants)
        params.append(user.pk)
    sql = (
        "SELECT s.id, s.title, s.summary, s.published_at, s.visibility, s.thanks_count, w.name,"  # noqa: S608  # nosec B608 (constants)
        " (SELECT CAST(p.id AS text) || ',' || CAST(p.width AS text) || ',' || CAST(p.height AS text) || ',' || p.alt_text"
        f" FROM {StoryPicture._meta.db_table} p WHERE p.story_id = s.id ORDER BY p.position, p.id LIMIT 1),"
        f" {themes}{thanked}"
        f" FROM {_STORY} s INNER JOIN {_WORKPLACE} w ON w.id = s.workplace_id"
        # The page size a literal too (portal.rawsql.literal): a generic plan estimates a
        # LIMIT parameter as a tenth of the rows and would sort instead of reading the index.
        f" WHERE {where.sql()} ORDER BY s.published_at DESC, s.id DESC LIMIT {int(size) + 1}"
    )
    if where.never:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where.params])
        rows = cursor.fetchall()
    read_datetime = _datetime_reader()
    cards = []
    for row in rows:
        picture = None
        if row[7] is not None:
            pk, width, height, alt_text = row[7].split(",", 3)
            picture = {"id": int(pk), "alt_text": alt_text, "width": int(width), "height": int(height)}
        card = {
            "pk": row[0],
            "title": row[1],
            "summary": row[2],
            "published_at": read_datetime(row[3]),
            "visibility": row[4],
            "thanks_count": row[5],
            "workplace_name": row[6],
            "picture": picture,
        }
        if theme_labels:
            pairs = [pair.split(_UNIT, 1) for pair in row[8].split(_RECORD)] if row[8] else []
            if connection.vendor != "postgresql":
                pairs.sort()
            card["themes"] = [label for _name, label in pairs]
        else:
            card["theme_ids"] = row[8]
        if thanked:
            card["thanked"] = bool(row[9])
        cards.append(card)
    return cards


def _dated(cards: list) -> list:
    """Each card's publishing time as the templates printed it (|date:"c" and |date:"j. F Y",
    local time): the date filter costs ~15 µs a call, and a page's stories are mostly of a
    few days, so its long form is made once per local date."""
    labels: dict[dt.date, str] = {}
    for card in cards:
        local = timezone.localtime(card.published_at)
        card.published_iso = local.isoformat()  # what "c" is
        label = labels.get(local.date())
        if label is None:
            label = labels[local.date()] = date_format(local, "j. F Y")
        card.published_label = label
    return cards


_MARKER = 987654321


def _url_maker(name: str):
    """reverse(name, args=[pk]) for a route with one int, reversed once per page: what
    samspil.jinja2.row_url gives, without its look-ups on every call (~6 µs, four a card)."""
    head, _, tail = reverse(name, args=[_MARKER]).rpartition(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def _to_story_cards(rows: list[dict], themes: list[Theme], *, public: bool) -> list[StoryCard]:
    order = {theme.pk: (position, theme.label) for position, theme in enumerate(themes)}
    story_url = _url_maker("stories:public_detail" if public else "stories:detail")
    thank_url = _url_maker("stories:thank")
    picture_url = _url_maker("stories:picture")
    cards = []
    for row in rows:
        if "themes" not in row:
            ids = row.pop("theme_ids")
            found = sorted(order[int(pk)] for pk in ids.split(",") if int(pk) in order) if ids else []
            row["themes"] = [label for _position, label in found]
        card = StoryCard(**row, url=story_url(row["pk"]))
        if not public:
            card.thank_url = thank_url(card.pk)
        if card.picture:
            card.picture_url = picture_url(card.picture["id"])
        cards.append(card)
    return _dated(cards)


def _keyset_page(rows: list, cursor: str, size: int) -> tuple[list, FeedPage]:
    """One page after `cursor`, newest first, from the rows read (one more than a page,
    to know whether there is a next) and the page to fill with them."""
    page = FeedPage(stories=[], is_first=not cursor)
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        page.next_cursor = encode_cursor_at(last["published_at"], last["pk"])
    return rows, page


def followed_ids(user) -> tuple[set[int], set[int]]:
    """(committee ids, workplace ids) the person follows: one query."""
    committees, workplaces = set(), set()
    for committee_id, workplace_id in Follow.objects.filter(person=user).values_list("committee_id", "workplace_id"):
        if committee_id:
            committees.add(committee_id)
        if workplace_id:
            workplaces.add(workplace_id)
    return committees, workplaces


@dataclass(slots=True)
class ThemeChoice(BilingualName):
    """A theme as the feed's filter and cards use it: `pk` and `label`."""

    pk: int
    name: str
    name_en: str


@dataclass
class FilterChoices:
    """What the feed's and the challenges list's filters need: what the person follows,
    the active committees, the workplaces to list (the reader's own and followed ones, the
    chosen committee's, the chosen one: not all of them, Copenhagen's 2,000 made the feed
    160 KB and a third of its time) and, for the feed, the themes; each in name order."""

    followed_committees: set[int]
    followed_workplaces: set[int]
    committees: list[tuple[int, str]]
    workplaces: list[tuple[int, str]]
    themes: list[ThemeChoice]


def filter_choices(user, *, committee: int | None, workplace: int | None, themes: bool) -> FilterChoices:
    """The filters' choices and the person's follows in one query (a UNION ALL; each
    part numbered in its name order by the database, as SQLite cannot order a part)."""
    roles = roles_of(user)
    follow = Follow._meta.db_table
    # The workplaces to list as one id set (a UNION ALL), not ORed conditions: PostgreSQL
    # would scan every workplace for "id IN (…) OR id IN (subquery)".
    own, own_params = _in("id", roles.staff_workplace_ids | roles.led_workplace_ids)
    sources = [f"SELECT workplace_id FROM {follow} WHERE person_id = %s"]  # noqa: S608  # nosec B608 (constants)
    listed_params = [user.pk]
    if own_params:
        sources.append(f"SELECT id FROM {_WORKPLACE} WHERE {own}")  # noqa: S608  # nosec B608 (constants)
        listed_params += own_params
    if workplace:
        sources.append(f"SELECT id FROM {_WORKPLACE} WHERE id = %s")  # noqa: S608  # nosec B608 (constants)
        listed_params.append(workplace)
    if committee:
        sources.append(f"SELECT workplace_id FROM {_WORKPLACE_COMMITTEES} WHERE committee_id = %s")  # noqa: S608  # nosec B608 (constants)
        listed_params.append(committee)
    listed_sql = "w.id IN (" + " UNION ALL ".join(sources) + ")"
    parts = [
        f"SELECT 'f', 0, committee_id, workplace_id, NULL, NULL FROM {follow} WHERE person_id = %s",  # noqa: S608  # nosec B608 (constants)
        f"SELECT 'c', ROW_NUMBER() OVER (ORDER BY name), id, NULL, name, NULL FROM {Committee._meta.db_table}"  # noqa: S608  # nosec B608 (constants)
        " WHERE is_active = %s",
        f"SELECT 'w', ROW_NUMBER() OVER (ORDER BY w.name), w.id, NULL, w.name, NULL FROM {_WORKPLACE} w"  # noqa: S608  # nosec B608 (constants)
        f" WHERE w.is_active = %s AND {listed_sql}",
    ]
    params = [user.pk, True, True, *listed_params]
    if themes:
        theme_sql = (
            f"SELECT 't', ROW_NUMBER() OVER (ORDER BY name), id, NULL, name, name_en FROM {Theme._meta.db_table}"  # noqa: S608  # nosec B608 (constants)
        )
        parts.append(theme_sql)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[1]))
    choices = FilterChoices(set(), set(), [], [], [])
    for kind, _position, pk, other, name, name_en in rows:
        if kind == "f":
            if pk:
                choices.followed_committees.add(pk)
            if other:
                choices.followed_workplaces.add(other)
        elif kind == "c":
            choices.committees.append((pk, name))
        elif kind == "w":
            choices.workplaces.append((pk, name))
        else:
            choices.themes.append(ThemeChoice(pk=pk, name=name, name_en=name_en))
    return choices


def _in_committees(committee_ids) -> Q:
    through = Workplace.committees.through
    return Q(workplace_id__in=through.objects.filter(committee_id__in=committee_ids).values("workplace_id"))


def _themes() -> list[ThemeChoice]:
    return [
        ThemeChoice(pk=pk, name=name, name_en=name_en)
        for pk, name, name_en in Theme.objects.values_list("pk", "name", "name_en")
    ]


def feed_page(
    *,
    user,
    committee: int | None = None,
    workplace: int | None = None,
    theme: int | None = None,
    followed: tuple[set[int], set[int]] | None = None,
    cursor: str = "",
    size: int = PAGE_SIZE,
    themes: list | None = None,
) -> FeedPage:
    """Published stories, newest first, one page after `cursor`, as cards.

    Queries: the stories with their first picture, theme ids and whether the reader
    thanked each (1), and the themes (2) unless the caller has them (`themes`, the
    feed's filter lists them). The count never grows with the data.
    """
    where = _Where()
    # Unlike the public page and the challenges, the statuses stay parameters here: with
    # them as literals PostgreSQL may plan the feed once for everyone (its estimates are
    # close), and that plan walks every story for a reader who follows a few workplaces
    # (370 ms instead of 1 ms at scale; tests/portal/test_planned_once.py).
    where.add("s.status = %s AND s.kind = %s", Story.Status.PUBLISHED.value, Story.Kind.STORY.value)
    _narrowed_sql(where, committee=committee, workplace=workplace, followed=followed)
    if theme:
        where.add(f"s.id IN (SELECT story_id FROM {_STORY_THEMES} WHERE theme_id = %s)", theme)  # noqa: S608  # nosec B608 (constants)
    _after_sql(where, cursor)
    rows, page = _keyset_page(_card_rows(where, user=user, size=size), cursor, size)
    page.stories = _to_story_cards(rows, _themes() if themes is None else themes, public=False)
    return page


def public_page(*, cursor: str = "", size: int = PAGE_SIZE) -> FeedPage:
    """Public stories, newest first: one query, the themes' labels with the stories."""
    where = _Where()
    # As Story.objects.public(): a challenge is never public, asked twice on purpose.
    where.add(f"{_published(Story.Kind.STORY)} AND s.visibility = {literal(Story.Visibility.PUBLIC)}")
    _after_sql(where, cursor)
    rows, page = _keyset_page(_card_rows(where, user=None, size=size, theme_labels=True), cursor, size)
    page.stories = _to_story_cards(rows, [], public=True)
    return page


def _challenge_readers_sql(user) -> tuple[str, list] | None:
    """`challenge_readers_condition` in SQL (on the story `s` joined to its workplace `w`)."""
    roles = roles_of(user)
    if roles.is_leadership:
        return None
    committees, committee_params = _in("c.committee_id", roles.committee_ids)
    return _any_of(
        [
            _in("s.workplace_id", roles.staff_workplace_ids | roles.led_workplace_ids),
            _in("w.centre_id", roles.headed_centre_ids),
            (
                f"s.workplace_id IN (SELECT c.workplace_id FROM {_WORKPLACE_COMMITTEES} c WHERE {committees})",  # noqa: S608  # nosec B608 (constants)
                committee_params,
            )
            if committee_params
            else ("1 = 0", []),
        ]
    )


def challenges_page(
    *,
    user,
    committee: int | None = None,
    workplace: int | None = None,
    followed: tuple[set[int], set[int]] | None = None,
    cursor: str = "",
    size: int = PAGE_SIZE,
) -> FeedPage:
    """Sent challenges the person may read (`challenges_visible_to`), newest first, one
    page after `cursor`.

    Queries: the challenges with their workplace, the number of answers and of visits
    wished, each a subquery per row of the page (1): no GROUP BY over every challenge,
    so the page is read off the story_challenges_recent index (an EXISTS for the visit
    would be planned as a hash of every reply). The reader's roles are cached for the
    request (organisation.roles)."""
    page = FeedPage(stories=[], is_first=not cursor)
    if not user.is_authenticated:
        return page
    where = _Where()
    where.add(_published(Story.Kind.CHALLENGE))
    readers = _challenge_readers_sql(user)
    if readers is not None:
        where.add(*_split(readers))
    _narrowed_sql(where, committee=committee, workplace=workplace, followed=followed)
    _after_sql(where, cursor)
    replies = ChallengeReply._meta.db_table
    sql = (
        "SELECT s.id, s.title, s.summary, s.published_at, w.name,"  # noqa: S608  # nosec B608 (constants)
        f" (SELECT COUNT(*) FROM {replies} r WHERE r.story_id = s.id),"
        f" (SELECT COUNT(*) FROM {replies} r WHERE r.story_id = s.id AND r.wants_visit = %s)"
        f" FROM {_STORY} s INNER JOIN {_WORKPLACE} w ON w.id = s.workplace_id"
        f" WHERE {where.sql()} ORDER BY s.published_at DESC, s.id DESC LIMIT {int(size) + 1}"
    )
    if where.never:
        return page
    with connection.cursor() as db:
        db.execute(sql, [True, *where.params])
        rows = db.fetchall()
    read_datetime = _datetime_reader()
    rows = [
        {
            "pk": pk,
            "title": title,
            "summary": summary,
            "published_at": read_datetime(at),
            "workplace_name": name,
            "n": (count, visits),
        }
        for pk, title, summary, at, name, count, visits in rows
    ]
    rows, page = _keyset_page(rows, cursor, size)
    story_url = _url_maker("stories:detail")
    for row in rows:
        count, visits = row.pop("n")
        answers = ngettext("%(counter)s answer", "%(counter)s answers", count) % {"counter": count}
        page.stories.append(ChallengeCard(**row, answers=answers, visit_wished=visits > 0, url=story_url(row["pk"])))
    _dated(page.stories)
    return page


def story_detail(queryset: QuerySet[Story], user) -> QuerySet[Story]:
    queryset = queryset.select_related(
        "workplace", "workplace__kind", "author", "goal__agreement__workplace", "goal__agreement__template"
    ).prefetch_related("pictures", "themes")
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(thanked=Exists(Thanks.objects.filter(story=OuterRef("pk"), person=user)))
    return queryset


def review_queue(user) -> QuerySet[Story]:
    """Stories waiting for this person as leader (or as administrator: all)."""
    roles = roles_of(user)
    stories = Story.objects.filter(status=Story.Status.SUBMITTED)
    if not roles.is_administrator:
        stories = stories.filter(workplace_id__in=roles.led_workplace_ids)
    return stories.select_related("workplace", "author").order_by("created_at", "id")


def stories_of_my_workplaces(user) -> QuerySet[Story]:
    """For leaders: every story of the workplaces they lead, in any state but waiting."""
    roles = roles_of(user)
    return (
        Story.objects.filter(workplace_id__in=roles.led_workplace_ids)
        .exclude(status=Story.Status.SUBMITTED)
        .select_related("workplace", "author")
        .order_by("-updated_at", "-id")
    )


def stories_by(user) -> QuerySet[Story]:
    return Story.objects.filter(author=user).select_related("workplace").order_by("-updated_at", "-id")


def digest_stories(*, person, start: dt.datetime, end: dt.datetime) -> list[Story]:
    committee_ids, workplace_ids = followed_ids(person)
    if not committee_ids and not workplace_ids:
        return []
    return list(
        Story.objects.published()
        .good_stories()
        .filter(published_at__gte=start, published_at__lt=end)
        .filter(Q(workplace_id__in=workplace_ids) | _in_committees(committee_ids))
        .select_related("workplace")
        .order_by("-published_at", "-id")
    )


def digest_challenges(*, person, start: dt.datetime, end: dt.datetime) -> list[Story]:
    """Challenges sent to the committee in the week, from what the person follows and may read."""
    committee_ids, workplace_ids = followed_ids(person)
    if not committee_ids and not workplace_ids:
        return []
    return list(
        challenges_visible_to(person)
        .filter(published_at__gte=start, published_at__lt=end)
        .filter(Q(workplace_id__in=workplace_ids) | _in_committees(committee_ids))
        .select_related("workplace")
        .order_by("-published_at", "-id")
    )


@dataclass
class FollowUp:
    """Where a reader of a challenge goes to hear more: the workplace's visit times (for a
    member of a responsible committee) and a new dialogue meeting there (for whoever may
    plan one)."""

    visit_url: str = ""
    meeting_url: str = ""


def challenge_follow_up(user, story: Story) -> FollowUp:
    from django.urls import reverse
    from django.utils.http import urlencode

    from meetings.models import MeetingKind
    from organisation.permissions import committee_ids_of

    follow_up = FollowUp()
    if not story.is_challenge or not story.is_published:
        return follow_up
    roles = roles_of(user)
    shared = sorted(committee_ids_of(story.workplace) & roles.committee_ids)
    if not shared:
        return follow_up
    from organisation.models import Committee

    committee = Committee.objects.filter(pk=shared[0]).only("slug").first()
    if committee is None:
        return follow_up
    query = {"committee": committee.slug, "workplace": story.workplace.slug}
    follow_up.visit_url = reverse("meetings:visit_times") + "?" + urlencode(query)
    if user.has_perm("meetings.add_meeting"):
        follow_up.meeting_url = (
            reverse("meetings:meeting_create")
            + "?"
            + urlencode({"kind": MeetingKind.DIALOGUE, "committee": committee.slug, "host": story.workplace.slug})
        )
    return follow_up
