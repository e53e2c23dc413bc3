from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet


class UserManager(BaseUserManager.from_queryset(AuditedQuerySet)):
    """Bulk writes (the import) leave the same audit trail as single saves (AuditedQuerySet)."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who may use Samspil: politician, leader, employee or administrator.

    People imported from the municipality's lists exist before they have a password;
    an invitation lets them set one. What a person may do comes from their current
    memberships (organisation.Membership), not from fields here.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("technical staff"),
        default=False,
        help_text=_("Superusers and technical staff; portal administrators are a role."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        indexes = [
            # The code register's page (codex.selectors.register_page_rows):
            #   … FROM organisation_membership JOIN accounts_user … WHERE <current, concerned>
            #   ORDER BY accounts_user.full_name, membership.person_id, role, id LIMIT 50
            # walks people in name order and stops after a page, instead of sorting 62,000
            # memberships.
            models.Index(fields=["full_name", "id"], name="user_name_order"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        deactivated = (
            self.pk is not None
            and not self.is_active
            and type(self).objects.filter(pk=self.pk, is_active=True).exists()
        )
        super().save(*args, **kwargs)
        if deactivated:
            from .services import person_deactivated

            person_deactivated(self)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation to set a password; the only way into Samspil besides single sign-on.

    Only the token's hash is stored: a database leak does not hand out accounts.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"

    @classmethod
    def issue(cls, *, person: User, invited_by: User | None) -> tuple[Invitation, str]:
        """Create an invitation and return it with the plain token (shown once, in the email)."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            person=person,
            token_hash=_hash_token(token),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        return invitation, token

    @classmethod
    def find_open(cls, token: str) -> Invitation | None:
        # A deactivated person's invitation is no way back in (issue 14, point 4).
        return (
            cls.objects.open()
            .select_related("person")
            .filter(token_hash=_hash_token(token), person__is_active=True)
            .first()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class UserSession(models.Model):
    """A signed-in session of a person, so they can see and end their sessions and a
    deactivation can end them all (issue 14, point 4). Django's session store cannot be
    searched by person; this row is written at login and deleted at logout or ending."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("person")
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class InvitationRound(models.Model):
    """Many invitations at once (issue 16.6): a selection, a committee, a workplace or everyone
    without an account. Sent by a Celery task that records its progress here; the report
    says who was invited, who already had an account and who could not be, and why."""

    class Scope(models.TextChoices):
        SELECTION = "selection", _("The people ticked in the list")
        COMMITTEE = "committee", _("Everyone in a committee")
        WORKPLACE = "workplace", _("Everyone at a workplace")
        WITHOUT_ACCOUNT = "without_account", _("Everyone without an account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Sending")
        DONE = "done", _("Done")

    scope = models.CharField(_("who"), max_length=20, choices=Scope.choices)
    label = models.CharField(_("description"), max_length=300, blank=True)
    # The people chosen when the round was made, each once; the task reads them fresh.
    person_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # {"invited": 12, "had_account": 3, "failed": [{"name": "…", "email": "…", "reason": "…"}]}
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation round")
        verbose_name_plural = _("invitation rounds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or self.get_scope_display()

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(100 * self.processed / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.DONE
