"""Good stories: what the workplaces tell the politicians and, when they choose, the public.

An employee submits a story for their workplace; the workplace leader (or an
administrator, who acts as communications administrator) edits it, publishes it or sends
it back with a comment. Every state change leaves a StoryEvent (who, when).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from organisation.models import BilingualName, Committee, Workplace
from samspil import bounds


class Theme(BilingualName, models.Model):
    """What a story is about (learning, well-being, green transition …): data, not code."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label


class StoryQuerySet(AuditedQuerySet):
    def published(self) -> StoryQuerySet:
        return self.filter(status=Story.Status.PUBLISHED)

    def good_stories(self) -> StoryQuerySet:
        return self.filter(kind=Story.Kind.STORY)

    def challenges(self) -> StoryQuerySet:
        return self.filter(kind=Story.Kind.CHALLENGE)

    def public(self) -> StoryQuerySet:
        # A challenge is never public (the check constraint says so too): asked twice on purpose.
        return self.filter(status=Story.Status.PUBLISHED, visibility=Story.Visibility.PUBLIC, kind=Story.Kind.STORY)


class Story(models.Model):
    """A good story, or a challenge: what is hard at the workplace, what it has tried and
    what would help. Both go through the same leader review (stories/workflows.py); a
    challenge is read only by the committee, the centre and the workplace, never public."""

    class Kind(models.TextChoices):
        STORY = "story", _("Good story")
        CHALLENGE = "challenge", _("Challenge")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting the leader")
        RETURNED = "returned", _("Sent back")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal: everyone signed in to Samspil")
        PUBLIC = "public", _("Public: also on the public page and its feed")

    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, related_name="stories", verbose_name=_("workplace")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="stories",
        verbose_name=_("author"),
    )
    # db_default: raw inserts (the scale generator, bench fixtures) that name no kind make stories.
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STORY, db_default="story")
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(
        _("short summary"),
        max_length=300,
        help_text=_("One or two sentences shown in the feed and when the story is shared."),
    )
    body = models.TextField(
        _("story"),
        help_text=_("Markdown: *italic*, **bold**, lists, [links](https://…). HTML is shown as text."),
        max_length=bounds.LONG_TEXT,
    )
    # A challenge's two further questions (the body is "what is hard").
    tried = models.TextField(
        _("what we have tried"), blank=True, default="", db_default="", max_length=bounds.LONG_TEXT
    )
    would_help = models.TextField(
        _("what would help"), blank=True, default="", db_default="", max_length=bounds.LONG_TEXT
    )
    themes = models.ManyToManyField(Theme, related_name="stories", blank=True, verbose_name=_("themes"))
    # The goal of the workplace's development agreement the story tells about: a link to
    # the goal, so the story shows on the agreement's side too (goal.stories).
    goal = models.ForeignKey(
        "agreements.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("agreement goal"),
        help_text=_("Optional: the development agreement goal the story tells about."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    # Consent for pictures of children or residents (GDPR): asked on every story.
    shows_people = models.BooleanField(_("a picture shows children or residents"), default=False)
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("comment from the leader"), blank=True, max_length=bounds.SHORT_TEXT)
    thanks_count = models.PositiveIntegerField(_("thanks"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-id"]
        constraints = [
            # A story that shows children or residents is public only with a recorded consent.
            models.CheckConstraint(
                condition=~Q(visibility="public", shows_people=True)
                | (Q(consent_date__isnull=False) & ~Q(consent_given_by="")),
                name="story_public_people_need_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="story_published_has_time",
            ),
            # A challenge is internal to the committee, the centre and the workplace.
            models.CheckConstraint(
                condition=~Q(kind="challenge", visibility="public"),
                name="story_challenge_never_public",
            ),
            *bounds.text_length_constraints(
                body=bounds.LONG_TEXT,
                return_comment=bounds.SHORT_TEXT,
                tried=bounds.LONG_TEXT,
                would_help=bounds.LONG_TEXT,
            ),
        ]
        indexes = [
            # The challenges list: sent challenges, newest first, per workplace.
            models.Index(
                fields=["workplace", "-published_at", "-id"],
                name="story_challenges",
                condition=Q(status="published", kind="challenge"),
            ),
            # The challenges list for the leadership (every workplace): a page of sent
            # challenges newest first, without walking the good stories in story_feed.
            models.Index(
                fields=["-published_at", "-id"],
                name="story_challenges_recent",
                condition=Q(status="published", kind="challenge"),
            ),
            # Stories waiting for a leader (the start page's count, the leader's list): the
            # few submitted rows, not a scan of every story.
            models.Index(fields=["workplace"], name="story_waiting", condition=Q(status="submitted")),
            # The feed: published stories newest first, keyset on (published_at, id).
            models.Index(fields=["-published_at", "-id"], name="story_feed", condition=Q(status="published")),
            # The feed filtered by workplace (and the committee/followed filters, which
            # resolve to a set of workplaces).
            models.Index(
                fields=["workplace", "-published_at", "-id"],
                name="story_feed_workplace",
                condition=Q(status="published"),
            ),
            # The public page and the Atom feed.
            models.Index(
                fields=["-published_at", "-id"],
                name="story_public_feed",
                condition=Q(status="published", visibility="public"),
            ),
            # The leader's queue: submitted stories of their workplaces.
            models.Index(fields=["workplace", "status"], name="story_workplace_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("stories:public_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.visibility == self.Visibility.PUBLIC and not self.is_challenge

    @property
    def is_challenge(self) -> bool:
        return self.kind == self.Kind.CHALLENGE

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_given_by.strip() and self.consent_date)

    def may_be_public(self) -> bool:
        return not self.shows_people or self.has_consent

    def clean(self) -> None:
        super().clean()
        if self.is_challenge and self.visibility == self.Visibility.PUBLIC:
            raise ValidationError({"visibility": _("A challenge is never public.")})
        if self.visibility == self.Visibility.PUBLIC and not self.may_be_public():
            raise ValidationError(
                {
                    "consent_given_by": _(
                        "A picture shows children or residents: record who gave consent before the story is public."
                    )
                }
            )


def picture_path(instance: StoryPicture, filename: str) -> str:
    # The name is random (set by the form): nothing the uploader typed reaches the disk.
    today = timezone.now()
    return f"stories/{today:%Y/%m}/{filename}"


class StoryPicture(models.Model):
    """A picture, re-encoded on upload (no EXIF, no location), served through a view
    that checks the story's visibility."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="pictures", verbose_name=_("story"))
    image = models.ImageField(_("picture"), upload_to=picture_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        _("description of the picture (alt text)"),
        max_length=250,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text

    def get_absolute_url(self) -> str:
        return reverse("stories:picture", kwargs={"pk": self.pk})


class StoryEvent(models.Model):
    """The audit trail of a story: who did what, when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EDITED = "edited", _("edited")
        RESUBMITTED = "resubmitted", _("submitted again")
        PUBLISHED = "published", _("published")
        RETURNED = "returned", _("sent back")
        UNPUBLISHED = "unpublished", _("unpublished")
        ARCHIVED = "archived", _("archived")

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True, max_length=bounds.SHORT_TEXT)
    visibility = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("story event")
        verbose_name_plural = _("story events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["story", "at"], name="storyevent_story_at")]
        constraints = bounds.text_length_constraints(comment=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return f"{self.story_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ChallengeReply(models.Model):
    """A committee member's answer to a challenge (or the workplace's answer back): the
    committee follows up in words, or asks to hear more at a visit."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="replies", verbose_name=_("challenge"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("answer"), max_length=bounds.SHORT_TEXT)
    wants_visit = models.BooleanField(_("we would like to hear more at a visit"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to a challenge")
        verbose_name_plural = _("answers to challenges")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["story", "created_at"], name="challengereply_story")]
        constraints = bounds.text_length_constraints(text=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return f"{self.story_id}: {self.text[:40]}"


class Thanks(models.Model):
    """A reader's thanks for a story: one per person, counted on Story.thanks_count."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="thanks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thanks")
        verbose_name_plural = _("thanks")
        constraints = [models.UniqueConstraint(fields=["story", "person"], name="thanks_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.story_id}"


class Follow(models.Model):
    """A person follows a committee (all its workplaces) or one workplace."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_follows")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    workplace = models.ForeignKey(Workplace, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=False, workplace__isnull=True)
                | Q(committee__isnull=True, workplace__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(fields=["person", "committee"], name="follow_committee_once"),
            models.UniqueConstraint(fields=["person", "workplace"], name="follow_workplace_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.committee_id or self.workplace_id}"


def iso_week_label(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
