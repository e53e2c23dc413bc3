"""Writes: a story's flow, thanks, follows and the weekly digest.

State changes are conditional updates (`filter(pk=…, status__in=…).update(…)`): two
leaders pressing "publish" and "send back" at once cannot both win; the loser is told.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Goal
from organisation.models import Committee, Role, Workplace
from samspil import bounds
from samspil.errors import Conflict, ServiceError

from .models import ChallengeReply, Follow, Story, StoryEvent, StoryPicture, Thanks, Theme, iso_week_label
from .workflows import STORY

logger = logging.getLogger(__name__)

MAX_PICTURES = 6


class StoryConflict(Conflict):
    """The story changed state under us (someone else acted first)."""


def _record(story: Story, actor, action: str, *, comment: str = "", visibility: str = "") -> StoryEvent:
    return StoryEvent.objects.create(story=story, actor=actor, action=action, comment=comment, visibility=visibility)


@dataclass(frozen=True)
class PictureChange:
    """One picture of a story as plain values: a new picture (`content`, already re-encoded
    by stories.images.clean_picture, with its alt text), a new alt text for an existing
    picture (`picture_id`), or an existing picture to delete. The order of the list is the
    order the pictures are shown in."""

    alt_text: str = ""
    content: File | None = None
    picture_id: int | None = None
    delete: bool = False


def _save_pictures(story: Story, pictures: Sequence[PictureChange]) -> None:
    if story.is_challenge and any(p.content is not None for p in pictures):
        raise ServiceError(_("A challenge has no pictures."), field="pictures")
    existing = {picture.pk: picture for picture in story.pictures.all()}
    position = 0
    for change in pictures:
        if change.picture_id is not None and change.picture_id not in existing:
            raise ServiceError(_("The picture is no longer there. Look at the story again."), field="pictures")
        current = existing.get(change.picture_id) if change.picture_id else None
        if change.delete:
            if current is not None:
                # The file goes only when the deletion is committed.
                name, storage = current.image.name, current.image.storage
                current.delete()
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            continue
        alt_text = (change.alt_text or "").strip()
        if current is None and change.content is None:
            if alt_text:
                raise ServiceError(_("Choose the picture this description belongs to."), field="pictures")
            continue
        if not alt_text:
            raise ServiceError(_("Describe the picture for people who cannot see it."), field="pictures")
        if current is None:
            StoryPicture.objects.create(story=story, image=change.content, alt_text=alt_text, position=position)
        else:
            fields = {"alt_text": alt_text, "position": position}
            if change.content is not None:
                old, storage = current.image.name, current.image.storage
                current.image = change.content
                current.alt_text, current.position = alt_text, position
                current.save()
                transaction.on_commit(lambda name=old, storage=storage: storage.delete(name))
            elif (current.alt_text, current.position) != (alt_text, position):
                StoryPicture.objects.filter(pk=current.pk).update(**fields)
        position += 1
    if story.pictures.count() > MAX_PICTURES:
        raise ServiceError(_("A story has at most %(n)s pictures.") % {"n": MAX_PICTURES}, field="pictures")


def _checked(
    *,
    kind: str,
    title: str,
    summary: str,
    body: str,
    tried: str,
    would_help: str,
    visibility: str,
    shows_people: bool,
    consent_given_by: str,
    consent_date: dt.date | None,
) -> dict:
    """The story's own fields as the model stores them, or a ServiceError naming the field."""
    if kind not in Story.Kind.values:
        raise ServiceError(_("Choose a good story or a challenge."), field="kind")
    title, summary, body = (title or "").strip(), (summary or "").strip(), (body or "").strip()
    if not title:
        raise ServiceError(_("Give it a title."), field="title")
    if len(title) > 160:
        raise ServiceError(_("Keep the title under %(n)s characters.") % {"n": 160}, field="title")
    if not summary:
        raise ServiceError(_("Write a short summary."), field="summary")
    if len(summary) > 300:
        raise ServiceError(_("Keep the summary under %(n)s characters.") % {"n": 300}, field="summary")
    if not body:
        raise ServiceError(
            _("Tell what is hard.") if kind == Story.Kind.CHALLENGE else _("Write the story."), field="body"
        )
    for name, value in (("body", body), ("tried", tried), ("would_help", would_help)):
        if len(value or "") > bounds.LONG_TEXT:
            raise ServiceError(_("The text is too long."), field=name)
    if visibility not in Story.Visibility.values:
        raise ServiceError(_("Choose who may read it."), field="visibility")
    if kind == Story.Kind.CHALLENGE:
        if visibility == Story.Visibility.PUBLIC:
            raise ServiceError(_("A challenge is never public."), field="visibility")
        if not (would_help or "").strip():
            raise ServiceError(_("Tell the committee what would help."), field="would_help")
    consent_given_by = (consent_given_by or "").strip()
    if consent_date is not None and consent_date > timezone.localdate():
        raise ServiceError(_("The consent date cannot be in the future."), field="consent_date")
    if shows_people and visibility == Story.Visibility.PUBLIC:
        if not consent_given_by:
            raise ServiceError(
                _("A picture shows children or residents: write who gave consent, or make the story internal."),
                field="consent_given_by",
            )
        if consent_date is None:
            raise ServiceError(_("Write the date the consent was given."), field="consent_date")
    return {
        "kind": kind,
        "title": title,
        "summary": summary,
        "body": body,
        "tried": (tried or "").strip(),
        "would_help": (would_help or "").strip(),
        "visibility": visibility,
        "shows_people": bool(shows_people),
        "consent_given_by": consent_given_by,
        "consent_date": consent_date,
    }


def _tell_reviewers(story: Story, by, event: StoryEvent) -> None:
    """The leaders of the story's workplace review it (notifications/)."""
    from notifications import kinds
    from notifications.recipients import people_of_workplace
    from notifications.services import notify

    notify(
        people_of_workplace(story.workplace, workplace_roles=(Role.WORKPLACE_LEADER,)),
        kinds.STORY_SUBMITTED,
        event=f"story:{story.pk}:submitted:{event.pk}",
        link=story.get_absolute_url(),
        params={"title": story.title, "workplace": story.workplace.name},
        actor=by,
        obj=story,
    )


def _tell_followers(story: Story, by, event: StoryEvent) -> None:
    """Those who follow the workplace or one of its committees (as the feed and the
    weekly digest define followers)."""
    from django.contrib.auth import get_user_model

    from notifications import kinds
    from notifications.services import notify

    follows = Follow.objects.filter(Q(workplace_id=story.workplace_id) | Q(committee__workplaces=story.workplace_id))
    followers = get_user_model().objects.filter(pk__in=follows.values("person_id"), is_active=True).order_by("pk")
    if story.is_challenge:
        # A challenge is read only by its committee, centre and workplace: a follower who may
        # not read it is not told of it either.
        followers = [person for person in followers if person.has_perm("stories.view_story", story)]
    notify(
        followers,
        kinds.STORY_PUBLISHED,
        event=f"story:{story.pk}:published:{event.pk}",
        link=story.get_absolute_url(),
        params={"title": story.title, "workplace": story.workplace.name},
        actor=by,
        obj=story,
    )


def _goal_of(workplace: Workplace, goal: Goal | None) -> Goal | None:
    """A story links only to a goal of its own workplace's development agreements."""
    if goal is not None and goal.agreement.workplace_id != workplace.pk:
        raise ServiceError(_("Choose a goal of the workplace's own development agreement."), field="goal")
    return goal


def story_submit(
    *,
    author,
    workplace: Workplace,
    title: str,
    summary: str,
    body: str,
    kind: str = Story.Kind.STORY,
    tried: str = "",
    would_help: str = "",
    themes: Iterable[Theme] = (),
    goal: Goal | None = None,
    visibility: str = Story.Visibility.INTERNAL,
    shows_people: bool = False,
    consent_given_by: str = "",
    consent_date: dt.date | None = None,
    pictures: Sequence[PictureChange] = (),
    publish: bool = False,
) -> Story:
    """An employee submits a story (or a challenge) for the leader; a leader may publish it
    at once (for a challenge: send it to the committee). Other callers — a question both
    sides agreed to publish (questions.services) — hand it in here too."""
    fields = _checked(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        tried=tried,
        would_help=would_help,
        visibility=visibility,
        shows_people=shows_people,
        consent_given_by=consent_given_by,
        consent_date=consent_date,
    )
    fields["goal"] = _goal_of(workplace, goal)
    with transaction.atomic():
        story = Story(workplace=workplace, author=author, status=Story.Status.SUBMITTED, **fields)
        if story.shows_people and story.has_consent:
            story.consent_recorded_by = author
        story.save()
        story.themes.set(list(themes))
        _save_pictures(story, pictures)
        event = _record(story, author, StoryEvent.Action.SUBMITTED)
        if not publish:
            _tell_reviewers(story, author, event)
    if publish:
        story = story_publish(story=story, by=author, visibility=story.visibility)
    return story


def story_update(
    *,
    story: Story,
    editor,
    title: str,
    summary: str,
    body: str,
    tried: str = "",
    would_help: str = "",
    themes: Iterable[Theme] = (),
    goal: Goal | None = None,
    visibility: str = Story.Visibility.INTERNAL,
    shows_people: bool = False,
    consent_given_by: str = "",
    consent_date: dt.date | None = None,
    pictures: Sequence[PictureChange] = (),
    publish: bool = False,
) -> Story:
    """Save an edit. The author's edit of a story that was sent back submits it again."""
    with transaction.atomic():
        current = Story.objects.select_for_update(of=("self",)).select_related("workplace").get(pk=story.pk)
        if not (STORY.is_available(editor, current, "edit") or STORY.is_available(editor, current, "revise")):
            raise PermissionDenied("stories.change_story")
        fields = _checked(
            kind=current.kind,
            title=title,
            summary=summary,
            body=body,
            tried=tried,
            would_help=would_help,
            visibility=visibility,
            shows_people=shows_people,
            consent_given_by=consent_given_by,
            consent_date=consent_date,
        )
        fields["goal"] = _goal_of(current.workplace, goal)
        consent_changed = (current.consent_given_by, current.consent_date) != (
            fields["consent_given_by"],
            fields["consent_date"],
        )
        for name, value in fields.items():
            setattr(current, name, value)
        if consent_changed:
            current.consent_recorded_by = editor
        if current.visibility == Story.Visibility.PUBLIC and not current.may_be_public():
            raise ServiceError(
                _("A picture shows children or residents: record the consent first."), field="consent_given_by"
            )
        current.updated_at = timezone.now()
        current.save()
        action = StoryEvent.Action.EDITED
        # The author's edit of a story that was sent back hands it to the leader again.
        if STORY.is_available(editor, current, "resubmit"):
            STORY.apply(current, "resubmit", editor, return_comment="")
            action = StoryEvent.Action.RESUBMITTED
        current.themes.set(list(themes))
        _save_pictures(current, pictures)
        event = _record(current, editor, action, visibility=current.visibility)
        if action == StoryEvent.Action.RESUBMITTED and not publish:
            _tell_reviewers(current, editor, event)
    story.refresh_from_db()
    if publish and not story.is_published:
        story = story_publish(story=story, by=editor, visibility=story.visibility)
    return story


def story_publish(*, story: Story, by, visibility: str | None = None) -> Story:
    """Publish (or re-publish) a story. Public needs consent when pictures show people."""
    visibility = visibility or story.visibility
    with transaction.atomic():
        current = Story.objects.select_for_update(of=("self",)).select_related("workplace").get(pk=story.pk)
        # First publication (or again after unpublishing), or the same story to another audience.
        step = "publish" if STORY.state_of(current) in STORY.sources_allowing("publish") else "change_visibility"
        unchanged = step == "change_visibility" and current.visibility == visibility
        if unchanged or STORY.state_of(current) not in STORY.sources_allowing(step):
            raise StoryConflict(_("The story is already %(status)s.") % {"status": current.get_status_display()})
        STORY.check(current, step, by)  # PermissionDenied for anyone but the editors
        if visibility == Story.Visibility.PUBLIC and current.is_challenge:
            raise ServiceError(_("A challenge is never public."), field="visibility")
        if visibility == Story.Visibility.PUBLIC and not current.may_be_public():
            raise ServiceError(
                _("A picture shows children or residents: record who gave consent before the story is public."),
                field="visibility",
            )
        now = timezone.now()
        fields = {
            "visibility": visibility,
            "published_by": by,
            "updated_at": now,
            "return_comment": "",
        }
        if current.published_at is None or step == "publish":
            fields["published_at"] = now
        STORY.apply(current, step, by, **fields)
        event = _record(current, by, StoryEvent.Action.PUBLISHED, visibility=visibility)
        if step == "publish":
            _tell_followers(current, by, event)
    story.refresh_from_db()
    return story


def _transition(*, story: Story, by, step: str, action: str, comment: str = "", **fields) -> Story:
    """A step of the story's table (stories/workflows.py): of two editors acting at once,
    the second is told someone else changed the story first."""
    with transaction.atomic():
        current = Story.objects.select_related("workplace").get(pk=story.pk)
        try:
            STORY.apply(current, step, by, updated_at=timezone.now(), **fields)
        except ServiceError as error:  # a Conflict, or a state the step does not start from
            raise StoryConflict(_("Someone else changed the story first. Look at it again.")) from error
        _record(story, by, action, comment=comment)
    story.refresh_from_db()
    return story


def story_send_back(*, story: Story, by, comment: str) -> Story:
    if not comment.strip():
        raise ServiceError(_("Tell the author what to change."), field="comment")
    return _transition(
        story=story,
        by=by,
        step="send_back",
        action=StoryEvent.Action.RETURNED,
        comment=comment.strip(),
        return_comment=comment.strip(),
    )


def story_unpublish(*, story: Story, by) -> Story:
    return _transition(
        story=story,
        by=by,
        step="unpublish",
        action=StoryEvent.Action.UNPUBLISHED,
    )


def story_archive(*, story: Story, by) -> Story:
    return _transition(
        story=story,
        by=by,
        step="archive",
        action=StoryEvent.Action.ARCHIVED,
    )


REPLY_FAMILY = "stories.challenge_reply"


def challenge_reply(*, story: Story, by, text: str, wants_visit: bool = False) -> ChallengeReply:
    """A committee member answers a sent challenge (or the workplace's leader answers
    back). The author and the workplace's leaders are told by email, and — when someone
    else wrote — the committee members who answered before."""
    from organisation.models import Membership, Role

    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write your answer."), field="text")
    if len(text) > bounds.SHORT_TEXT:
        raise ServiceError(_("Keep the answer under %(n)s characters.") % {"n": bounds.SHORT_TEXT}, field="text")
    if not story.is_challenge or not story.is_published:
        raise ServiceError(_("Only a challenge sent to the committee can be answered."), code="not_sent")
    if not by.has_perm("stories.reply_challenge", story):
        raise PermissionDenied("stories.reply_challenge")
    from outbox.services import enqueue

    with transaction.atomic():
        reply = ChallengeReply.objects.create(story=story, author=by, text=text, wants_visit=bool(wants_visit))
        leaders = Membership.objects.current(timezone.localdate()).filter(
            role=Role.WORKPLACE_LEADER, workplace_id=story.workplace_id
        )
        earlier = ChallengeReply.objects.filter(story=story).exclude(pk=reply.pk).values_list("author_id", flat=True)
        recipients = {story.author_id, *leaders.values_list("person_id", flat=True), *earlier} - {None, by.pk}
        for person_id in sorted(recipients):
            enqueue(
                family=REPLY_FAMILY,
                key=f"{REPLY_FAMILY}:{reply.pk}:{person_id}",
                recipient=person_id,
                params={"reply": reply.pk},
            )
    return reply


def build_challenge_reply(row):
    """The email for one answer to a challenge, read at send time."""
    from samspil.mail import build_templated_mail

    person = row.recipient
    if person is None or not person.email or not person.is_active:
        return "no email address"
    reply = (
        ChallengeReply.objects.select_related("story", "story__workplace", "author")
        .filter(pk=row.params["reply"])
        .first()
    )
    if reply is None:
        return "the answer was deleted"
    if not person.has_perm("stories.view_story", reply.story):
        return "the reader no longer reads the challenge"
    return build_templated_mail(
        "stories/email/challenge_reply",
        to=person.email,
        context={"person": person, "reply": reply, "challenge": reply.story},
    )


def story_thank(*, story: Story, person, thank: bool | None = None) -> tuple[bool, int]:
    """Say thanks (thank=True), take it back (False) or toggle (None); returns (thanked
    now, count). The button sends the state it wants, so a double click stays one thanks;
    the unique constraint keeps it to one per person even when two requests race."""
    with transaction.atomic():
        if thank is None:
            thank = not Thanks.objects.filter(story=story, person=person).exists()
        if thank:
            try:
                with transaction.atomic():
                    Thanks.objects.create(story=story, person=person)
            except IntegrityError:
                pass  # already thanked (perhaps by a parallel request): counted once
            else:
                Story.objects.filter(pk=story.pk).update(thanks_count=F("thanks_count") + 1)
        else:
            deleted, _rows = Thanks.objects.filter(story=story, person=person).delete()
            if deleted:
                Story.objects.filter(pk=story.pk).update(thanks_count=F("thanks_count") - 1)
        count = Story.objects.filter(pk=story.pk).values_list("thanks_count", flat=True).get()
    return thank, count


def follow_toggle(*, person, committee: Committee | None = None, workplace: Workplace | None = None) -> bool:
    """Follow or stop following; returns whether the person follows now."""
    if (committee is None) == (workplace is None):
        raise ValueError("follow exactly one committee or workplace")
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(person=person, committee=committee, workplace=workplace).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Follow.objects.create(person=person, committee=committee, workplace=workplace)
        except IntegrityError:
            pass  # followed by a parallel request: the result is the same
        return True


# --- The weekly digest -----------------------------------------------------------------


def week_bounds(week: str) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, Copenhagen time, for "2026-W48"."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min))
    return start, end


def previous_week(today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return iso_week_label(today - dt.timedelta(days=7))


DIGEST_FAMILY = "stories.digest"


def digest_prepare_week(*, week: str) -> int:
    """Enqueue `week`'s digest for each follower with something new (one outbox row per
    person and week, outbox/services.py); returns how many were offered. Safe to run any
    number of times: a key that exists is left alone."""
    from django.contrib.auth import get_user_model

    from outbox.services import enqueue_many

    from .selectors import digest_challenges, digest_stories

    start, end = week_bounds(week)
    followers = get_user_model().objects.filter(is_active=True, story_follows__isnull=False).distinct()
    rows = []
    for person in followers.iterator():
        stories = digest_stories(person=person, start=start, end=end)
        # New challenges from what the person follows, next to the stories — only those
        # the person may read (the committee, the centre, the workplace, the leadership).
        challenges = digest_challenges(person=person, start=start, end=end)
        if stories or challenges:
            rows.append(
                {
                    "family": DIGEST_FAMILY,
                    "key": f"{DIGEST_FAMILY}:{week}:{person.pk}",
                    "recipient": person,
                    "params": {
                        "week": week,
                        "story_ids": [story.pk for story in stories],
                        "challenge_ids": [challenge.pk for challenge in challenges],
                    },
                }
            )
    return enqueue_many(rows) if rows else 0


def build_digest(row):
    """The email for one outbox row, or why it is not needed (read at send time)."""
    from samspil.mail import build_templated_mail

    person, week = row.recipient, row.params["week"]
    if person is None or not person.email or not person.is_active:
        return "no email address"
    published = Story.objects.published().select_related("workplace").order_by("-published_at", "-id")
    stories = list(published.good_stories().filter(pk__in=row.params["story_ids"]))
    challenges = [
        challenge
        for challenge in published.challenges().filter(pk__in=row.params.get("challenge_ids", []))
        if person.has_perm("stories.view_story", challenge)  # roles may have changed since
    ]
    if not stories and not challenges:
        return "everything was unpublished since"
    return build_templated_mail(
        "stories/email/digest",
        to=person.email,
        context={
            "person": person,
            "stories": stories,
            "challenges": challenges,
            "week_year": week.split("-W")[0],
            "week_number": int(week.split("-W")[1]),
        },
    )
