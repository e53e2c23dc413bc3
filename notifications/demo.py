"""Demo: the steps the other apps' demos took through their services have told people
already (agreements in dialogue, approved, signed; questions aside). The stories' demo
writes its rows directly, so here its newest submitted story tells the demo leader and
its newest published one the followers, and the member's latest locked minutes their
meeting's participants. Each demo account keeps its five newest
notifications unread, so the start page shows what waits without a long list, and the
member has chosen to hear about published stories at once (the settings page shows it)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .kinds import MINUTES_LOCKED, STORY_PUBLISHED, STORY_SUBMITTED, Delivery
from .models import Notification, Preference
from .recipients import people_of_workplace
from .services import notify

KEEP_UNREAD = 5


def load(context: dict, *, stdout=None) -> None:
    from organisation.models import Role
    from stories.models import Follow, Story

    accounts = context["accounts"]
    leader = accounts["leader"]
    Preference.objects.update_or_create(
        person=accounts["member"], kind=STORY_PUBLISHED, defaults={"delivery": Delivery.IMMEDIATE}
    )
    submitted = (
        Story.objects.filter(status=Story.Status.SUBMITTED, workplace__memberships__person=leader)
        .select_related("workplace", "author")
        .order_by("-created_at")
        .first()
    )
    if submitted is not None:
        notify(
            people_of_workplace(submitted.workplace, workplace_roles=(Role.WORKPLACE_LEADER,)),
            STORY_SUBMITTED,
            event=f"story:{submitted.pk}:submitted:demo",
            link=submitted.get_absolute_url(),
            params={"title": submitted.title, "workplace": submitted.workplace.name},
            actor=submitted.author,
            obj=submitted,
        )
    for story in Story.objects.published().select_related("workplace", "published_by").order_by("-published_at")[:3]:
        follows = Follow.objects.filter(Q(workplace=story.workplace) | Q(committee__workplaces=story.workplace))
        people = [follow.person for follow in follows.select_related("person")]
        notify(
            people,
            STORY_PUBLISHED,
            event=f"story:{story.pk}:published:demo",
            link=story.get_absolute_url(),
            params={"title": story.title, "workplace": story.workplace.name},
            actor=story.published_by,
            obj=story,
        )
    # The meetings' demo writes its minutes directly: the member's latest locked minutes
    # tell that meeting's participants, as the minutes service does.
    from meetings.models import Minutes

    minutes = (
        Minutes.objects.filter(status=Minutes.Status.LOCKED, meeting__participants__person=accounts["member"])
        .select_related("meeting", "locked_by")
        .order_by("-meeting__starts_at")
        .first()
    )
    if minutes is not None:
        meeting = minutes.meeting
        notify(
            [participant.person for participant in meeting.participants.select_related("person")],
            MINUTES_LOCKED,
            event=f"minutes:{minutes.pk}:locked:demo",
            link=meeting.get_absolute_url(),
            params={"meeting": meeting.title, "date": timezone.localtime(meeting.starts_at).date().isoformat()},
            actor=minutes.locked_by,
            obj=minutes,
        )
    now = timezone.now()
    for person in accounts.values():
        keep = (
            Notification.objects.filter(recipient=person)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:KEEP_UNREAD]
        )
        Notification.objects.filter(recipient=person, read_at=None).exclude(pk__in=list(keep)).update(read_at=now)
    if stdout is not None:
        unread = Notification.objects.filter(recipient__in=list(accounts.values()), read_at=None).count()
        stdout.write(f"  notifications: {unread} unread for the demo accounts")
