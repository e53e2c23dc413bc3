"""Writes: a story's flow, thanks, follows and the weekly digest.

State changes are conditional updates (`filter(pk=…, status__in=…).update(…)`): two
leaders pressing "publish" and "send back" at once cannot both win; the loser is told.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Committee, Role, Workplace
from samspil.errors import ServiceError

from .models import Follow, Story, StoryEvent, Thanks, iso_week_label
from .workflows import STORY

logger = logging.getLogger(__name__)


class StoryConflict(Exception):
    """The story changed state under us (someone else acted first)."""


def _record(story: Story, actor, action: str, *, comment: str = "", visibility: str = "") -> StoryEvent:
    return StoryEvent.objects.create(story=story, actor=actor, action=action, comment=comment, visibility=visibility)


def _save_pictures(story: Story, pictures) -> None:
    """`pictures` is a validated StoryPicture formset (see forms.py)."""
    pictures.instance = story
    pictures.save()
    for picture in pictures.deleted_objects:
        # The file goes only when the deletion is committed.
        name, storage = picture.image.name, picture.image.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


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
    notify(
        followers,
        kinds.STORY_PUBLISHED,
        event=f"story:{story.pk}:published:{event.pk}",
        link=story.get_absolute_url(),
        params={"title": story.title, "workplace": story.workplace.name},
        actor=by,
        obj=story,
    )


def story_submit(*, form, pictures, author, workplace: Workplace, publish: bool = False) -> Story:
    """An employee submits a story for the leader; a leader may publish it at once."""
    with transaction.atomic():
        story = form.save(commit=False)
        story.workplace = workplace
        story.author = author
        story.status = Story.Status.SUBMITTED
        if story.shows_people and story.has_consent:
            story.consent_recorded_by = author
        story.save()
        form.save_m2m()
        _save_pictures(story, pictures)
        event = _record(story, author, StoryEvent.Action.SUBMITTED)
        if not publish:
            _tell_reviewers(story, author, event)
    if publish:
        story = story_publish(story=story, by=author, visibility=story.visibility)
    return story


def story_update(*, form, pictures, editor, publish: bool = False) -> Story:
    """Save an edit. The author's edit of a story that was sent back submits it again."""
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=form.instance.pk)
        before = story.status
        story = form.save(commit=False)
        story.updated_at = timezone.now()
        if "consent_given_by" in form.changed_data or "consent_date" in form.changed_data:
            story.consent_recorded_by = editor
        action = StoryEvent.Action.EDITED
        if story.visibility == Story.Visibility.PUBLIC and not story.may_be_public():
            raise ValidationError(_("A picture shows children or residents: record the consent first."))
        story.status = before
        story.save()
        # The author's edit of a story that was sent back hands it to the leader again.
        if STORY.is_available(editor, story, "resubmit"):
            STORY.apply(story, "resubmit", editor, return_comment="")
            action = StoryEvent.Action.RESUBMITTED
        form.save_m2m()
        _save_pictures(story, pictures)
        event = _record(story, editor, action, visibility=story.visibility)
        if action == StoryEvent.Action.RESUBMITTED and not publish:
            _tell_reviewers(story, editor, event)
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
        if visibility == Story.Visibility.PUBLIC and not current.may_be_public():
            raise ValidationError(
                _("A picture shows children or residents: record who gave consent before the story is public.")
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
        raise ValidationError(_("Tell the author what to change."))
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

    from .selectors import digest_stories

    start, end = week_bounds(week)
    followers = get_user_model().objects.filter(is_active=True, story_follows__isnull=False).distinct()
    rows = []
    for person in followers.iterator():
        stories = digest_stories(person=person, start=start, end=end)
        if stories:
            rows.append(
                {
                    "family": DIGEST_FAMILY,
                    "key": f"{DIGEST_FAMILY}:{week}:{person.pk}",
                    "recipient": person,
                    "params": {"week": week, "story_ids": [story.pk for story in stories]},
                }
            )
    return enqueue_many(rows) if rows else 0


def build_digest(row):
    """The email for one outbox row, or why it is not needed (read at send time)."""
    from samspil.mail import build_templated_mail

    person, week = row.recipient, row.params["week"]
    if person is None or not person.email or not person.is_active:
        return "no email address"
    stories = list(
        Story.objects.published()
        .filter(pk__in=row.params["story_ids"])
        .select_related("workplace")
        .order_by("-published_at", "-id")
    )
    if not stories:
        return "everything was unpublished since"
    return build_templated_mail(
        "stories/email/digest",
        to=person.email,
        context={
            "person": person,
            "stories": stories,
            "week_year": week.split("-W")[0],
            "week_number": int(week.split("-W")[1]),
        },
    )
