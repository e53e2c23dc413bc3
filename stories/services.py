"""Writes: a story's flow, thanks, follows and the weekly digest.

State changes are conditional updates (`filter(pk=…, status__in=…).update(…)`): two
leaders pressing "publish" and "send back" at once cannot both win; the loser is told.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Committee, Workplace
from samspil.errors import ServiceError

from .models import DigestOutbox, Follow, Story, StoryEvent, Thanks, iso_week_label
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
        _record(story, author, StoryEvent.Action.SUBMITTED)
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
        _record(story, editor, action, visibility=story.visibility)
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
        _record(current, by, StoryEvent.Action.PUBLISHED, visibility=visibility)
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


def digest_prepare_week(*, week: str) -> list[int]:
    """Create the outbox rows for `week` (one per follower with something new) and
    return the ids not yet sent. Safe to run any number of times."""
    from django.contrib.auth import get_user_model

    from .selectors import digest_stories

    start, end = week_bounds(week)
    followers = get_user_model().objects.filter(is_active=True, story_follows__isnull=False).distinct()
    rows = []
    for person in followers.iterator():
        stories = digest_stories(person=person, start=start, end=end)
        if stories:
            rows.append(DigestOutbox(person=person, week=week, story_ids=[story.pk for story in stories]))
    DigestOutbox.objects.bulk_create(rows, ignore_conflicts=True)
    return list(DigestOutbox.objects.filter(week=week, sent_at=None, claimed_at=None).values_list("pk", flat=True))


def digest_send(*, outbox_id: int) -> bool:
    """Send one digest, exactly once: claim the row, send, mark it sent. Not inside a
    transaction: the claim commits before the mail goes."""
    from samspil.mail import send_templated_mail

    claimed = DigestOutbox.objects.filter(pk=outbox_id, claimed_at=None, sent_at=None).update(claimed_at=timezone.now())
    if claimed != 1:
        return False
    outbox = DigestOutbox.objects.select_related("person").get(pk=outbox_id)
    stories = list(
        Story.objects.published()
        .filter(pk__in=outbox.story_ids)
        .select_related("workplace")
        .order_by("-published_at", "-id")
    )
    if not stories:
        # Everything was unpublished since: nothing to tell, and nothing to send again.
        DigestOutbox.objects.filter(pk=outbox_id).update(sent_at=timezone.now())
        return False
    try:
        send_templated_mail(
            "stories/email/digest",
            to=outbox.person.email,
            context={
                "person": outbox.person,
                "stories": stories,
                "week_year": outbox.week.split("-W")[0],
                "week_number": int(outbox.week.split("-W")[1]),
            },
        )
    except Exception:
        # Let a later run try again: release the claim, then fail loudly.
        DigestOutbox.objects.filter(pk=outbox_id, sent_at=None).update(claimed_at=None)
        logger.exception("weekly digest %s could not be sent", outbox_id)
        raise
    DigestOutbox.objects.filter(pk=outbox_id).update(sent_at=timezone.now())
    return True
