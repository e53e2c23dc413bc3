"""Reads: the feed (keyset pagination), the public page, the leader's queue."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Aggregate, CharField, Count, Exists, F, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import ngettext

from organisation.models import Workplace
from organisation.roles import roles_of

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


def _after(queryset: QuerySet[Story], cursor: str) -> QuerySet[Story]:
    position = decode_cursor(cursor)
    if position is None:
        return queryset
    published_at, pk = position
    # (published_at, id) < (t, pk), written so the story_feed index serves it.
    return queryset.filter(Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk))


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


class _JoinedIds(Aggregate):
    """The ids as one comma-separated string (PostgreSQL's string_agg, SQLite's group_concat)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS text), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)", **extra_context
        )


def _story_cards(queryset: QuerySet[Story], user) -> QuerySet:
    """The card's values in the stories' query itself: the first picture (a JSON object)
    and the theme ids are subqueries, whether the reader thanked it an EXISTS, so a page
    is one query (and the themes, which the feed's filter lists anyway)."""
    through = Story.themes.through
    queryset = queryset.annotate(
        workplace_name=F("workplace__name"),
        picture=Subquery(
            StoryPicture.objects.filter(story=OuterRef("pk"))
            .order_by("position", "id")
            .values(json=JSONObject(id="id", alt_text="alt_text", width="width", height="height"))[:1],
            output_field=JSONField(),
        ),
        theme_ids=Subquery(
            through.objects.filter(story_id=OuterRef("pk"))
            .order_by()
            .values("story_id")
            .annotate(ids=_JoinedIds("theme_id"))
            .values("ids")
        ),
    )
    fields = ["pk", "title", "summary", "published_at", "visibility", "thanks_count", "workplace_name", "picture"]
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(thanked=Exists(Thanks.objects.filter(story=OuterRef("pk"), person=user)))
        fields.append("thanked")
    return queryset.values(*fields, "theme_ids")


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
        ids = row.pop("theme_ids")
        found = sorted(order[int(pk)] for pk in ids.split(",") if int(pk) in order) if ids else []
        card = StoryCard(**row, themes=[label for _position, label in found], url=story_url(row["pk"]))
        if not public:
            card.thank_url = thank_url(card.pk)
        if card.picture:
            card.picture_url = picture_url(card.picture["id"])
        cards.append(card)
    return _dated(cards)


def _keyset_page(rows_query: QuerySet, cursor: str, size: int) -> tuple[list, FeedPage]:
    """One page after `cursor`, newest first: the rows (one more than a page, to know
    whether there is a next) and the page to fill with them."""
    rows = list(_after(rows_query, cursor).order_by("-published_at", "-id")[: size + 1])
    page = FeedPage(stories=[], is_first=not cursor)
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        page.next_cursor = encode_cursor_at(last["published_at"], last["pk"])
    return rows, page


def _narrowed(queryset: QuerySet[Story], *, committee, workplace, followed) -> QuerySet[Story]:
    """The feed's and the challenges' filters: a committee's workplaces, one workplace,
    what the person follows."""
    if committee:
        queryset = queryset.filter(_in_committees([committee]))
    if workplace:
        queryset = queryset.filter(workplace_id=workplace)
    if followed is not None:
        committee_ids, workplace_ids = followed
        queryset = queryset.filter(Q(workplace_id__in=workplace_ids) | _in_committees(committee_ids))
    return queryset


def followed_ids(user) -> tuple[set[int], set[int]]:
    """(committee ids, workplace ids) the person follows: one query."""
    committees, workplaces = set(), set()
    for committee_id, workplace_id in Follow.objects.filter(person=user).values_list("committee_id", "workplace_id"):
        if committee_id:
            committees.add(committee_id)
        if workplace_id:
            workplaces.add(workplace_id)
    return committees, workplaces


def filter_workplaces(user, *, committee: int | None, workplace: int | None, followed: set[int]) -> QuerySet[Workplace]:
    """The feed's workplace filter: the reader's own and followed workplaces, the chosen
    committee's, and the chosen one. Not all of them: Copenhagen's 2,000 made the feed
    160 KB and a third of its time. One query."""
    roles = roles_of(user)
    condition = Q(pk__in=roles.staff_workplace_ids | roles.led_workplace_ids | frozenset(followed))
    if workplace:
        condition |= Q(pk=workplace)
    if committee:
        through = Workplace.committees.through
        condition |= Q(pk__in=through.objects.filter(committee_id=committee).values("workplace_id"))
    return Workplace.objects.filter(condition, is_active=True).only("id", "name").order_by("name")


def _in_committees(committee_ids) -> Q:
    through = Workplace.committees.through
    return Q(workplace_id__in=through.objects.filter(committee_id__in=committee_ids).values("workplace_id"))


def feed_page(
    *,
    user,
    committee: int | None = None,
    workplace: int | None = None,
    theme: int | None = None,
    followed: tuple[set[int], set[int]] | None = None,
    cursor: str = "",
    size: int = PAGE_SIZE,
    themes: list[Theme] | None = None,
) -> FeedPage:
    """Published stories, newest first, one page after `cursor`, as cards.

    Queries: the stories with their first picture, theme ids and whether the reader
    thanked each (1), and the themes (2) unless the caller has them (`themes`, the
    feed's filter lists them). The count never grows with the data.
    """
    stories = _narrowed(
        Story.objects.published().good_stories(), committee=committee, workplace=workplace, followed=followed
    )
    if theme:
        stories = stories.filter(themes__id=theme)
    rows, page = _keyset_page(_story_cards(stories, user), cursor, size)
    page.stories = _to_story_cards(rows, list(Theme.objects.all()) if themes is None else themes, public=False)
    return page


def public_page(*, cursor: str = "", size: int = PAGE_SIZE) -> FeedPage:
    """Public stories, newest first: the stories (1) and the themes (2)."""
    rows, page = _keyset_page(_story_cards(Story.objects.public(), None), cursor, size)
    page.stories = _to_story_cards(rows, list(Theme.objects.all()) if rows else [], public=True)
    return page


def challenges_page(
    *,
    user,
    committee: int | None = None,
    workplace: int | None = None,
    followed: tuple[set[int], set[int]] | None = None,
    cursor: str = "",
    size: int = PAGE_SIZE,
) -> FeedPage:
    """Sent challenges the person may read, newest first, one page after `cursor`.

    Queries: the challenges with their workplace, the number of answers and of visits
    wished, each a subquery per row of the page (1): no GROUP BY over every challenge,
    so the page is read off the story_challenges_recent index. The reader's roles are cached for the
    request (organisation.roles)."""
    challenges = _narrowed(challenges_visible_to(user), committee=committee, workplace=workplace, followed=followed)

    def replies(**condition):
        # A count per row of the page, read off the replies' story index (an EXISTS for
        # the visit would be planned as a hash of every reply).
        counted = ChallengeReply.objects.filter(story=OuterRef("pk"), **condition).order_by().values("story")
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

    rows, page = _keyset_page(
        challenges.annotate(
            workplace_name=F("workplace__name"), answer_count=replies(), visit_count=replies(wants_visit=True)
        ).values("pk", "title", "summary", "published_at", "workplace_name", "answer_count", "visit_count"),
        cursor,
        size,
    )
    page.stories = []
    story_url = _url_maker("stories:detail")
    for row in rows:
        count, visits = row.pop("answer_count"), row.pop("visit_count")
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
