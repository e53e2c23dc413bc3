"""The code of conduct register (kodeks): versions, signatures, reminders, self-evaluations.

Two promises live here, below every view:
- a published version never changes (its text is what people signed), and
- a signature is never edited or deleted: signatures form a hash chain that
  `manage.py verify_codex` and the administrator's check page walk from the first link.
Both are refused in model and queryset methods (every database); on PostgreSQL a trigger
(migration 0002) refuses even a raw UPDATE or DELETE of a signature.
Who signed lives beside the chain, in an identity row that erasure deletes (see Signature);
on PostgreSQL a trigger (migration 0004) refuses an UPDATE of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisation.models import COMMITTEE_ROLES, Committee, Role, Workplace
from samspil import bounds


class ImmutableError(Exception):
    """Raised when code tries to change what the register promises never changes."""


class Audience(models.TextChoices):
    POLITICIANS = "politicians", _("Politicians")
    EMPLOYEES = "employees", _("Employees")
    BOTH = "both", _("Politicians and employees")


# Who signs which code: committee roles sign the politicians' code, everyone else with a
# role in the organisation (workplace, centre, director, administrator) the employees'.
POLITICIAN_ROLE_VALUES = sorted(r.value for r in COMMITTEE_ROLES)
EMPLOYEE_ROLE_VALUES = sorted(r.value for r in Role if r not in COMMITTEE_ROLES)


def audiences_covered(audience: str) -> list[str]:
    if audience == Audience.BOTH:
        return [Audience.POLITICIANS, Audience.EMPLOYEES]
    return [audience]


# --- Versions --------------------------------------------------------------------------


class CodeVersionQuerySet(models.QuerySet):
    def published(self) -> CodeVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def drafts(self) -> CodeVersionQuerySet:
        return self.filter(published_at__isnull=True)

    def update(self, **kwargs):
        if self.published().exists():
            raise ImmutableError("a published code version never changes")
        return super().update(**kwargs)

    def delete(self):
        if self.published().exists():
            raise ImmutableError("a published code version is never deleted")
        return super().delete()


class CodeVersion(models.Model):
    """One version of the code. A draft can be edited; publishing freezes it for good."""

    number = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("who signs it"), max_length=20, choices=Audience.choices)
    preamble = models.TextField(
        _("preamble"), help_text=_("Why the code exists and what it asks of both sides."), max_length=bounds.LONG_TEXT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # Set once when published: the exact text people sign and its SHA-256.
    canonical_text = models.TextField(blank=True, editable=False)
    text_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    objects = CodeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("code version")
        verbose_name_plural = _("code versions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(text_sha256=""), name="published_code_has_hash"
            ),
            *bounds.text_length_constraints(preamble=bounds.LONG_TEXT),
        ]

    def __str__(self) -> str:
        return _("Version %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def save(self, *args, publishing: bool = False, **kwargs):
        # The only save allowed after publishing is the publishing itself (see
        # services.version_publish, which passes publishing=True inside its locked transaction).
        if not publishing and self._published_in_database():
            raise ImmutableError("a published code version never changes")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("codex:version", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self._published_in_database():
            raise ImmutableError("a published code version is never deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _published_in_database(self) -> bool:
        if self._state.adding or self.pk is None:
            return False
        return CodeVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists()

    def build_canonical_text(self, points=None, dilemmas=None) -> str:
        """The text a signer agrees to, built the same way every time (it is hashed)."""
        points = list(self.points.all()) if points is None else points
        dilemmas = list(self.dilemmas.all()) if dilemmas is None else dilemmas
        lines = [
            f"{self.title}",
            f"Version {self.number}",
            f"Audience: {self.audience}",
            "",
            self.preamble.strip(),
        ]
        for kind, heading in ((CodePoint.Kind.DUTY, "Duties"), (CodePoint.Kind.VALUE, "Values")):
            lines += ["", f"{heading}:"]
            for point in (p for p in points if p.kind == kind):
                lines.append(f"{point.position}. {point.title.strip()}: {point.explanation.strip()}")
        if dilemmas:
            lines += ["", "Dilemmas:"]
            for case in dilemmas:
                lines.append(f"{case.position}. {case.title.strip()}")
                lines.append(f"Situation: {case.situation.strip()}")
                lines.append(f"Discussion: {case.discussion.strip()}")
        return "\n".join(lines).replace("\r\n", "\n") + "\n"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VersionPartQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(version__published_at__isnull=False).exists():
            raise ImmutableError("a published code version never changes")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(version__published_at__isnull=False).exists():
            raise ImmutableError("a published code version never changes")
        return super().delete()


class VersionPart(models.Model):
    """A part of a version; frozen with it."""

    objects = VersionPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._frozen():
            raise ImmutableError("a published code version never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise ImmutableError("a published code version never changes")
        return super().delete(*args, **kwargs)

    def _frozen(self) -> bool:
        return CodeVersion.objects.filter(pk=self.version_id, published_at__isnull=False).exists()


class CodePoint(VersionPart):
    """A duty (from Kodex VII) or one of the municipality's own values."""

    class Kind(models.TextChoices):
        DUTY = "duty", _("Duty")
        VALUE = "value", _("Value")

    version = models.ForeignKey(CodeVersion, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=120)
    explanation = models.TextField(_("short explanation"), max_length=bounds.SHORT_TEXT)

    class Meta:
        verbose_name = _("duty or value")
        verbose_name_plural = _("duties and values")
        ordering = ["kind", "position", "pk"]
        constraints = bounds.text_length_constraints(explanation=bounds.SHORT_TEXT)

    def __str__(self) -> str:
        return self.title


class DilemmaCase(VersionPart):
    """A short real-life situation and a discussion of what the code asks."""

    version = models.ForeignKey(CodeVersion, on_delete=models.CASCADE, related_name="dilemmas")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=160)
    situation = models.TextField(_("situation"), max_length=bounds.TEXT)
    discussion = models.TextField(_("discussion"), max_length=bounds.TEXT)

    class Meta:
        verbose_name = _("dilemma")
        verbose_name_plural = _("dilemmas")
        ordering = ["position", "pk"]
        constraints = bounds.text_length_constraints(situation=bounds.TEXT, discussion=bounds.TEXT)

    def __str__(self) -> str:
        return self.title


class CurrentCode(models.Model):
    """Which version is current for an audience. The audience is the primary key, so the
    database itself holds at most one current version per audience; publishing replaces
    the row inside a transaction that locks it (services.version_publish)."""

    audience = models.CharField(
        max_length=20,
        primary_key=True,
        choices=[
            (Audience.POLITICIANS.value, Audience.POLITICIANS.label),
            (Audience.EMPLOYEES.value, Audience.EMPLOYEES.label),
        ],
    )
    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="current_for")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("current code")
        verbose_name_plural = _("current codes")

    def __str__(self) -> str:
        return f"{self.audience}: {self.version}"


# --- Signatures ------------------------------------------------------------------------


class SignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("signatures are never edited")

    def delete(self):
        raise ImmutableError("signatures are never deleted")

    def _raw_delete(self, using):
        raise ImmutableError("signatures are never deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableError("signatures are never edited")


GENESIS_HASH = "0" * 64


class Signature(models.Model):
    """One person's signature of one version: append-only, chained by hash.

    `hash` is HMAC-SHA256, keyed with settings.CODEX_CHAIN_KEY (kept outside the
    database), over the row's own fields and `previous_hash`: changing any stored field,
    or removing a row, breaks the chain at that link, and whoever can write the tables
    but lacks the key cannot recompute the links after a change. Removing the newest
    links and moving the head is found against the daily anchor (ChainAnchor).

    Who signed (name, email, roles at that moment) is personal data that an administrator
    must be able to erase, yet the signature itself must stay in the chain. So the name,
    email and roles live in a separate `SignatureIdentity` row, and the chain hashes only
    `signer_digest`: SHA-256 over that row's fields and a random 128-bit salt kept in the
    row. While the identity row exists, `chain_verify` recomputes the digest, so altering
    a name is still detected and named; erasing deletes the row (salt included), after
    which the digest is an opaque value nobody can link back to a name by guessing (the
    salt is gone), and the link still verifies. `person` stays: it points at the
    anonymised account (accounts.privacy.person_erase keeps that row), so "has signed"
    queries keep working and the signature keeps counting.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codex_signatures", editable=False
    )
    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="signatures", editable=False)
    signed_at = models.DateTimeField(editable=False)
    # The salted digest of the signer's identity row (see the class docstring).
    signer_digest = models.CharField(max_length=64, editable=False)
    text_sha256 = models.CharField(max_length=64, editable=False)
    # The electoral term the signature was given in (politicians re-sign in each term);
    # 0 when signed outside any term or as an employee only.
    term_id = models.PositiveIntegerField(default=0, editable=False)
    previous_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["sequence"]
        constraints = [
            # One signature per person, version and term: a second click changes nothing.
            models.UniqueConstraint(fields=["person", "version", "term_id"], name="one_signature_per_version_and_term"),
        ]
        indexes = [
            # The register's "has signed" subquery: (person, version) and the term cut-off.
            models.Index(fields=["person", "version", "signed_at"], name="signature_person_version"),
            models.Index(fields=["version", "signed_at"], name="signature_version_time"),
            # The register's "not signed" filter: who has no signature of a version, as an
            # anti-join of the people with this index's (version, person) pairs, read from
            # the index alone (selectors._unsigned_candidates).
            models.Index(fields=["version", "person"], name="signature_version_person"),
        ]

    def __str__(self) -> str:
        # No name here: this text ends up in logs and the audit trail, which outlive an erasure.
        return f"#{self.sequence} v{self.version_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("signatures are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("signatures are never deleted")

    def hash_payload(self) -> str:
        return signature_hash_payload(
            sequence=self.sequence,
            person_id=self.person_id,
            version_id=self.version_id,
            signed_at=self.signed_at,
            signer_digest=self.signer_digest,
            text_sha256=self.text_sha256,
            term_id=self.term_id,
            previous_hash=self.previous_hash,
        )

    def compute_hash(self) -> str:
        return chain_mac(self.hash_payload())

    @property
    def anonymised(self) -> bool:
        """True once the signer was erased (their identity row is gone)."""
        try:
            return self.identity is None
        except SignatureIdentity.DoesNotExist:
            return True

    @property
    def signer_name(self) -> str:
        return _("Anonymised") if self.anonymised else self.identity.person_name


def signature_hash_payload(
    *, sequence, person_id, version_id, signed_at, signer_digest, text_sha256, term_id, previous_hash
) -> str:
    """The hashed text of one link. (Migration 0003 keeps its own frozen copy of this.)"""
    return json.dumps(
        {
            "sequence": sequence,
            "person": person_id,
            "version": version_id,
            "signed_at": signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "signer": signer_digest,
            "text_sha256": text_sha256,
            "term": term_id,
            "previous_hash": previous_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


class SignatureIdentityQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("a signer's identity is never edited, only erased")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableError("a signer's identity is never edited, only erased")


class SignatureIdentity(models.Model):
    """Who signed: the personal part of a signature, outside the hash chain. Never
    edited (on PostgreSQL a trigger refuses UPDATE, migration 0003); deleted when the
    person is erased (codex/personal_data.py), which leaves the signature anonymous."""

    signature = models.OneToOneField(
        Signature, on_delete=models.CASCADE, primary_key=True, related_name="identity", editable=False
    )
    # Random, secret and erased with the row: without it the digest cannot be guessed
    # from a list of names and emails.
    salt = models.CharField(max_length=32, editable=False)
    person_name = models.CharField(max_length=200, editable=False)
    person_email = models.CharField(max_length=254, editable=False)
    roles = models.JSONField(default=list, editable=False)

    objects = SignatureIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("signer's identity")
        verbose_name_plural = _("signers' identities")

    def __str__(self) -> str:
        return f"#{self.signature_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("a signer's identity is never edited, only erased")
        super().save(*args, **kwargs)

    @staticmethod
    def new_salt() -> str:
        return secrets.token_hex(16)

    def compute_digest(self) -> str:
        return signer_digest(self.salt, self.person_name, self.person_email, self.roles)


def signer_digest(salt: str, person_name: str, person_email: str, roles) -> str:
    """(Migration 0003 keeps its own frozen copy of this.)"""
    return sha256_hex(
        json.dumps(
            {"salt": salt, "name": person_name, "email": person_email, "roles": roles},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )


def chain_mac(payload: str) -> str:
    """The keyed hash of one link or anchor: HMAC-SHA256 with settings.CODEX_CHAIN_KEY.
    (Migration 0006 keeps its own frozen copy of this.)"""
    return hmac.new(settings.CODEX_CHAIN_KEY.encode(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


class ChainHead(models.Model):
    """The chain's single head row. Signing locks it (select_for_update), so two people
    signing at the same moment append one after the other instead of forking the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_chain_head")]

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


class ChainAnchorQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("a chain anchor is never edited")

    def record_sent(self, pk: int, *, to: str, at: dt.datetime) -> bool:
        """The one change an anchor allows: noting, once, that its email was queued."""
        return bool(models.QuerySet.update(self.filter(pk=pk, sent_at=None), sent_at=at, sent_to=to[:254]))

    def delete(self):
        raise ImmutableError("a chain anchor is never deleted")


class ChainAnchor(models.Model):
    """The chain head as it was once a day, sent outside the database (an email to the
    data protection officer, settings.PRIVACY_CONTACT) and shown on the public code page.

    A table owner who deletes the newest signatures and moves the head back leaves a
    chain that is whole in itself; `chain_verify` finds it because an anchor names a
    link (sequence and hash) the chain no longer has. `mac` (keyed like the chain) makes
    an anchor row that was written or edited without the key stand out; the emailed copy
    is the witness no database user can reach. Append-only, like the signatures.
    """

    day = models.DateField(_("day"), unique=True, editable=False)
    anchored_at = models.DateTimeField(_("anchored"), default=timezone.now, editable=False)
    last_sequence = models.PositiveBigIntegerField(editable=False)
    last_hash = models.CharField(max_length=64, editable=False)
    signatures = models.PositiveBigIntegerField(_("signatures"), editable=False)
    mac = models.CharField(max_length=64, editable=False)
    # When and to whom the anchor's email was handed to the outbox (codex.services.
    # chain_anchors_send); the outbox row ("codex.chain_anchor:<pk>:<address>") says when it went.
    sent_to = models.CharField(max_length=254, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ChainAnchorQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain anchor")
        verbose_name_plural = _("chain anchors")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: #{self.last_sequence} {self.last_hash[:12]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("a chain anchor is never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("a chain anchor is never deleted")

    def payload(self) -> str:
        return json.dumps(
            {
                "day": self.day.isoformat(),
                "last_sequence": self.last_sequence,
                "last_hash": self.last_hash,
                "signatures": self.signatures,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_mac(self) -> str:
        return chain_mac(self.payload())


# --- Reminders -------------------------------------------------------------------------


class ReminderRound(models.Model):
    """One round of "please sign" emails for a version: round 0 at publication, then one
    per configured interval until everyone has signed. Unique per (version, number), so
    a round fans out once even if the beat task runs twice. Its emails are outbox rows
    (outbox.Email, topic "codex.round:<id>")."""

    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="reminder_rounds")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="one_reminder_round")]

    def __str__(self) -> str:
        return f"v{self.version_id} round {self.number}"


# --- Self-evaluation -------------------------------------------------------------------

# A few questions per duty (and value); the text names the duty.
EVALUATION_QUESTIONS = [
    ("lived", _("How well do we live “%(title)s” when politicians and staff meet?")),
    ("spoken", _("How well do we speak up when “%(title)s” is under pressure?")),
]


class SelfEvaluation(models.Model):
    """A committee or a workplace rates how well it lives the code, 1–5 per question."""

    version = models.ForeignKey(CodeVersion, on_delete=models.PROTECT, related_name="evaluations")
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="codex_evaluations"
    )
    workplace = models.ForeignKey(
        Workplace, on_delete=models.CASCADE, null=True, blank=True, related_name="codex_evaluations"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("what we will work on"), blank=True, max_length=bounds.TEXT)
    average = models.DecimalField(max_digits=3, decimal_places=2, default=0)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=False, workplace__isnull=True)
                | Q(committee__isnull=True, workplace__isnull=False),
                name="evaluation_one_unit",
            ),
            *bounds.text_length_constraints(note=bounds.TEXT),
        ]
        indexes = [
            models.Index(fields=["committee", "submitted_at"], name="evaluation_committee_time"),
            models.Index(fields=["workplace", "submitted_at"], name="evaluation_workplace_time"),
        ]

    def __str__(self) -> str:
        return f"{self.committee or self.workplace} {self.submitted_at:%Y-%m-%d}"


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="answers")
    point = models.ForeignKey(CodePoint, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(max_length=20)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"),
            models.UniqueConstraint(fields=["evaluation", "point", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.question}: {self.score}"
