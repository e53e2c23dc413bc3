"""The municipality's structure: committees, centres, workplaces and who holds which role.

Roles are memberships with a start and an end, so an election changes who sits where
without losing history: every question "who is X on date D" is answered from here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit.registry import AuditedQuerySet
from samspil import bounds
from samspil.compiled import CompiledRead


class ElectoralTerm(models.Model):
    """A council's term (valgperiode); the current Danish term runs 2026–2029."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    election_date = models.DateField(_("election date"), null=True, blank=True)

    class Meta:
        verbose_name = _("electoral term")
        verbose_name_plural = _("electoral terms")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls, on: dt.date | None = None) -> ElectoralTerm | None:
        """The term holding `on` (default today): one query, compiled once per process
        (the code register asks on every request)."""
        return next(iter(_CURRENT_TERM.raw(on or timezone.localdate())), None)


# Compiled once per process, run with the day asked about (samspil/compiled.py).
_CURRENT_TERM = CompiledRead(
    lambda on: ElectoralTerm.objects.filter(starts_on__lte=on, ends_on__gte=on)[:1], kind="date"
)


class Committee(models.Model):
    """A standing committee (fagudvalg) of the council."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=bounds.TEXT)
    is_active = models.BooleanField(_("active"), default=True)

    # Bulk writes (the import) leave the same audit trail as single saves.
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]
        constraints = bounds.text_length_constraints(description=bounds.TEXT)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation:committee", kwargs={"slug": self.slug})


class Centre(models.Model):
    """An administrative centre (center) that a centre head runs."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=bounds.TEXT)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        constraints = bounds.text_length_constraints(description=bounds.TEXT)

    def __str__(self) -> str:
        return self.name


class BilingualName:
    """Data named in Danish with an optional English name (workplace kinds, meeting kinds,
    story themes): `label` is the name in the active language."""

    name: str
    name_en: str

    @property
    def label(self) -> str:
        if (get_language() or "da").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class WorkplaceKind(BilingualName, models.Model):
    """School, daycare, care centre, … — data, so a municipality can add its own."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("workplace kind")
        verbose_name_plural = _("workplace kinds")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label


class Workplace(models.Model):
    """A municipal workplace (virksomhed): a school, a daycare, a care centre, …"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.ForeignKey(WorkplaceKind, on_delete=models.PROTECT, related_name="workplaces", verbose_name=_("kind"))
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="workplaces",
        null=True,
        blank=True,
        verbose_name=_("centre"),
    )
    committees = models.ManyToManyField(
        Committee, related_name="workplaces", blank=True, verbose_name=_("responsible committees")
    )
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    description = models.TextField(
        _("short description"),
        blank=True,
        help_text=_("What the workplace does and for whom: a few lines for politicians."),
        max_length=bounds.TEXT,
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        ordering = ["name"]
        indexes = [
            # The workplace list filters by kind and centre and orders by name.
            models.Index(fields=["kind", "name"], name="workplace_kind_name"),
            models.Index(fields=["centre", "name"], name="workplace_centre_name"),
        ]
        constraints = bounds.text_length_constraints(description=bounds.TEXT)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation:workplace", kwargs={"slug": self.slug})

    @property
    def full_address(self) -> str:
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.address, town) if part)


class Role(models.TextChoices):
    COMMITTEE_MEMBER = "committee_member", _("committee member")
    COMMITTEE_CHAIR = "committee_chair", _("committee chair")
    # The committee's secretariat (cases/): registers committee cases; not a politician.
    COMMITTEE_SECRETARY = "committee_secretary", _("committee secretary")
    WORKPLACE_LEADER = "workplace_leader", _("workplace leader")
    EMPLOYEE = "employee", _("employee")
    UNION_REP = "union_rep", _("union representative")
    # The person the workplace names as its contact in MED (the co-determination
    # committee): told of hearings with the leader and the union representative (cases/).
    MED_CONTACT = "med_contact", _("MED contact")
    CENTRE_HEAD = "centre_head", _("centre head")
    DIRECTOR = "director", _("director")
    ADMINISTRATOR = "administrator", _("administrator")


COMMITTEE_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR})
WORKPLACE_ROLES = frozenset({Role.WORKPLACE_LEADER, Role.EMPLOYEE, Role.UNION_REP, Role.MED_CONTACT})
# The staff's voices a hearing is told to beside the leader (cases/emails.py, the start page).
STAFF_VOICE_ROLES = frozenset({Role.UNION_REP, Role.MED_CONTACT})
CENTRE_ROLES = frozenset({Role.CENTRE_HEAD})
MUNICIPALITY_ROLES = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR})
POLITICIAN_ROLES = COMMITTEE_ROLES
# Held in a committee like the politicians' roles, but gives no seat (roles_of keeps it apart).
SECRETARY_ROLES = frozenset({Role.COMMITTEE_SECRETARY})


class MembershipQuerySet(AuditedQuerySet):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def overlapping(self, start: dt.date, end: dt.date) -> MembershipQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start), starts_on__lte=end)


class Membership(models.Model):
    """A role a person holds in a committee, a workplace, a centre or the municipality,
    from a start date to an (open) end date."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("committee"),
    )
    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("workplace"),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("centre"),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Set once by the hourly task that tells administrators about ended roles.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person__full_name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
            # Each role is held in exactly the kind of unit it belongs to.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(r.value for r in COMMITTEE_ROLES | SECRETARY_ROLES),
                        committee__isnull=False,
                        workplace__isnull=True,
                        centre__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in WORKPLACE_ROLES),
                        workplace__isnull=False,
                        committee__isnull=True,
                        centre__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in CENTRE_ROLES),
                        centre__isnull=False,
                        committee__isnull=True,
                        workplace__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in MUNICIPALITY_ROLES),
                        committee__isnull=True,
                        workplace__isnull=True,
                        centre__isnull=True,
                    )
                ),
                name="membership_role_matches_unit",
            ),
        ]
        indexes = [
            # roles_of(user): a person's memberships current today.
            models.Index(fields=["person", "ends_on"], name="membership_person_end"),
            # close_ended_memberships: ended but not yet closed.
            models.Index(fields=["ends_on"], name="membership_open_end", condition=Q(closed_at=None)),
        ]

    def __str__(self) -> str:
        unit = self.committee or self.workplace or self.centre
        label = f"{self.person} – {self.get_role_display()}"
        return f"{label}, {unit}" if unit else label

    @property
    def unit(self):
        return self.committee or self.workplace or self.centre


class ImportJob(models.Model):
    """One upload of master data; imported all or nothing by a Celery task."""

    class Kind(models.TextChoices):
        COMMITTEES = "committees", _("Committees")
        CENTRES = "centres", _("Centres")
        WORKPLACES = "workplaces", _("Workplaces")
        PEOPLE = "people", _("People and roles")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        FAILED = "failed", _("Not imported")
        DONE = "done", _("Imported")

    kind = models.CharField(_("what to import"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # [{"line": 7, "field": "email", "message": "…"}]
    errors = models.JSONField(default=list, blank=True)
    # {"created": 12, "updated": 3}
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class SlugAlias(models.Model):
    """A former address segment of a committee, centre, workplace kind or workplace.

    Written by the migration that spelled æ, ø, å as ae, oe, aa; read only on a 404 by
    `FormerAddressMiddleware`, which redirects to the current address.
    """

    old = models.SlugField(_("former slug"), max_length=120, unique=True)
    new = models.SlugField(_("current slug"), max_length=120)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"
