"""Writes of the code register: drafting, publishing, signing, reminders, self-evaluation."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from organisation.models import ElectoralTerm, Membership
from organisation.roles import roles_of
from outbox.models import Email
from outbox.services import enqueue, enqueue_many
from samspil.mail import build_templated_mail

from .models import (
    GENESIS_HASH,
    ChainAnchor,
    ChainHead,
    CodePoint,
    CodeVersion,
    CurrentCode,
    DilemmaCase,
    EvaluationAnswer,
    ReminderRound,
    SelfEvaluation,
    Signature,
    SignatureIdentity,
    audiences_covered,
    sha256_hex,
)
from .selectors import code_state, people_to_remind, signing_status

logger = logging.getLogger(__name__)


class CodexError(Exception):
    """A refusal with a message for the person (already translated by the caller's view)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- Versions --------------------------------------------------------------------------


def version_create_draft(*, created_by, source: CodeVersion | None = None, **fields) -> CodeVersion:
    """A new draft, optionally copied from an earlier version (its parts too)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (CodeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
                values = {"title": "", "audience": "both", "preamble": ""}
                if source is not None:
                    values = {"title": source.title, "audience": source.audience, "preamble": source.preamble}
                values.update(fields)
                draft = CodeVersion.objects.create(number=number, created_by=created_by, **values)
                if source is not None:
                    CodePoint.objects.bulk_create(
                        CodePoint(
                            version=draft,
                            kind=p.kind,
                            position=p.position,
                            title=p.title,
                            explanation=p.explanation,
                        )
                        for p in source.points.all()
                    )
                    DilemmaCase.objects.bulk_create(
                        DilemmaCase(
                            version=draft,
                            position=d.position,
                            title=d.title,
                            situation=d.situation,
                            discussion=d.discussion,
                        )
                        for d in source.dilemmas.all()
                    )
                return draft
        except IntegrityError:
            # Two administrators drafted at once and took the same number: take the next.
            continue
    raise CodexError("number_taken")


VERSION_FIELDS = ("title", "audience", "preamble")
POINT_FIELDS = ("kind", "position", "title", "explanation")
DILEMMA_FIELDS = ("position", "title", "situation", "discussion")


def version_save_draft(
    *, version: CodeVersion, by, values: dict, points: list[dict], dilemmas: list[dict]
) -> CodeVersion:
    """Save a draft's text and its parts. Each part row is plain data: `id` (None for a new
    part), `delete`, and the part's fields; rows naming another version's part are ignored."""
    with transaction.atomic():
        locked = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if locked.is_published:
            raise CodexError("already_published")
        for name in VERSION_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.updated_at = timezone.now()
        locked.updated_by = by
        locked.save()
        _save_parts(CodePoint, locked, points, POINT_FIELDS)
        _save_parts(DilemmaCase, locked, dilemmas, DILEMMA_FIELDS)
    return locked


def _save_parts(model, version: CodeVersion, rows: list[dict], fields: tuple[str, ...]) -> None:
    existing = {part.pk: part for part in model.objects.filter(version=version)}
    for row in rows:
        part = existing.get(row.get("id"))
        if row.get("id") and part is None:
            continue
        if row.get("delete"):
            if part is not None:
                part.delete()
            continue
        if part is None:
            part = model(version=version)
        for name in fields:
            setattr(part, name, row[name])
        part.save()


def version_publish(*, version: CodeVersion, published_by, now=None) -> CodeVersion:
    """Freeze the draft, make it current for its audience(s) and queue round 0 of the
    "please sign" emails. The request records the publication only; one fan-out task
    (queued after the commit) does the work for everyone concerned."""
    now = now or timezone.now()
    with transaction.atomic():
        # The version row is locked: two clicks on "publish" cannot both publish.
        locked = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if locked.published_at is not None:
            raise CodexError("already_published")
        points = list(locked.points.all())
        if not any(p.kind == CodePoint.Kind.DUTY for p in points):
            raise CodexError("no_duties")
        # Lock the current rows of the audiences concerned (CurrentCode's primary key is
        # the audience: there is never more than one current version per audience).
        list(CurrentCode.objects.select_for_update().filter(audience__in=audiences_covered(locked.audience)))
        locked.canonical_text = locked.build_canonical_text(points=points, dilemmas=list(locked.dilemmas.all()))
        locked.text_sha256 = sha256_hex(locked.canonical_text)
        locked.published_at = now
        locked.published_by = published_by
        locked.save(publishing=True)
        for audience in audiences_covered(locked.audience):
            CurrentCode.objects.update_or_create(audience=audience, defaults={"version": locked, "since": now})
        # Started now, by the clock, even when the publication is back-dated (the demo):
        # the next round is one gap of settings.CODEX_REMINDER_AFTER_DAYS after this one (reminder_rounds_due).
        first_round = ReminderRound.objects.create(version=locked, number=0, created_at=timezone.now())
        from .tasks import fan_out_reminders

        fan_out_reminders.delay_on_commit(first_round.pk)
    return locked


# --- Signing ---------------------------------------------------------------------------


def _roles_snapshot(person) -> list[dict]:
    rows = (
        Membership.objects.current()
        .filter(person=person)
        .select_related("committee", "workplace", "centre")
        .order_by("role", "pk")
    )
    return [
        {
            "role": m.role,
            "committee": m.committee_id,
            "workplace": m.workplace_id,
            "centre": m.centre_id,
            "unit": str(m.unit) if m.unit else "",
        }
        for m in rows
    ]


def _locked_chain_head() -> ChainHead:
    """The chain head, locked. Migration 0002 creates it; a database emptied since (a test
    run's flush) gets it back, continuing from the last stored link."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = Signature.objects.order_by("-sequence").first()
        ChainHead.objects.get_or_create(
            pk=1,
            defaults={
                "last_sequence": last.sequence if last else 0,
                "last_hash": last.hash if last else GENESIS_HASH,
            },
        )
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def signature_create(*, person, version: CodeVersion, text_sha256: str, consent: bool, now=None) -> Signature:
    """Sign `version`: the person saw the text whose hash is `text_sha256` and ticked
    the consent box. Appends one link to the hash chain under the chain-head lock.
    (`now` is for the demo's history only; views never pass it.)"""
    if not consent:
        raise CodexError("no_consent")
    state = code_state()
    due = {d.version.pk: d for d in signing_status(person, state)}
    if version.pk not in due:
        raise CodexError("not_current")
    if text_sha256 != version.text_sha256:
        raise CodexError("text_changed")
    now = now or timezone.now()
    roles = roles_of(person)
    term = ElectoralTerm.current(timezone.localdate(now)) if roles.is_politician else None
    term_id = term.pk if term else 0
    with transaction.atomic():
        # Serialise appends: everyone who signs waits here for the one before them.
        head = _locked_chain_head()
        existing = Signature.objects.filter(person=person, version=version, term_id=term_id).first()
        if existing is not None:
            return existing
        identity = SignatureIdentity(
            salt=SignatureIdentity.new_salt(),
            person_name=person.full_name or person.email,
            person_email=person.email,
            roles=_roles_snapshot(person),
        )
        signature = Signature(
            sequence=head.last_sequence + 1,
            person=person,
            version=version,
            signed_at=now,
            signer_digest=identity.compute_digest(),
            text_sha256=text_sha256,
            term_id=term_id,
            previous_hash=head.last_hash,
        )
        signature.hash = signature.compute_hash()
        signature.save()
        identity.signature = signature
        identity.save()
        ChainHead.objects.filter(pk=1).update(last_sequence=signature.sequence, last_hash=signature.hash)
    return signature


# --- Verifying the chain ---------------------------------------------------------------


class ChainReport:
    def __init__(self):
        self.checked = 0
        self.anonymised = 0
        self.broken: Signature | None = None
        self.broken_sequence: int | None = None
        self.reason = ""
        self.anchors = 0

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None and not self.reason

    def fail(self, reason: str, signature: Signature | None = None, sequence: int | None = None) -> ChainReport:
        self.reason = reason
        self.broken = signature
        self.broken_sequence = sequence if sequence is not None else (signature.sequence if signature else 0)
        return self

    def describe(self) -> str:
        if self.intact:
            return (
                f"intact: {self.checked} signatures checked ({self.anonymised} anonymised), "
                f"{self.anchors} daily anchors matched"
            )
        who = ""
        if self.broken is not None:
            who = f" (signature id {self.broken.pk}, {self.broken.signer_name}, version {self.broken.version_id})"
        return f"broken at link #{self.broken_sequence}{who}: {self.reason}"


def chain_verify() -> ChainReport:
    """Walk the chain in one streamed pass. A row whose stored fields no longer match its
    own hash was altered: it is named first, wherever it sits (altering `sequence` moves
    it in the order). Otherwise the first broken link is named: a gap (a removed row), a
    row that does not point at the hash before it, a signed-text hash that differs from
    the published version's, or a head that does not match the chain's end. Then every
    daily anchor (ChainAnchor) must be genuine (its keyed mac) and name a link the chain
    still has, with the same hash: deleting the newest links and moving the head back
    leaves a chain that is whole in itself, but not one that matches its anchors."""
    report = ChainReport()
    version_hashes = dict(CodeVersion.objects.published().values_list("pk", "text_sha256"))
    anchors = list(ChainAnchor.objects.order_by("day", "pk"))
    anchored = {anchor.last_sequence for anchor in anchors}
    hash_at: dict[int, str] = {0: GENESIS_HASH}
    previous = GENESIS_HASH
    expected_sequence = 1
    link_error: tuple[str, Signature | None, int] | None = None
    signatures = Signature.objects.select_related("identity").order_by("sequence")
    for signature in signatures.iterator(chunk_size=2000):
        if signature.compute_hash() != signature.hash:
            return report.fail("its stored fields do not match its hash (the row was altered)", signature)
        if not signature.anonymised and signature.identity.compute_digest() != signature.signer_digest:
            # The identity sits outside the hash, but its salted digest is inside: an
            # altered name, email or roles snapshot is found here. (An erased identity
            # has no row left to check; its digest still holds its place in the chain.)
            return report.fail("the signer's name, email or roles do not match the signed digest", signature)
        report.anonymised += signature.anonymised
        if link_error is None:
            if signature.sequence != expected_sequence:
                link_error = (
                    f"link #{expected_sequence} is missing (the next stored link is #{signature.sequence})",
                    signature,
                    expected_sequence,
                )
            elif signature.previous_hash != previous:
                link_error = ("it does not point to the hash of the link before it", signature, signature.sequence)
            elif version_hashes.get(signature.version_id) != signature.text_sha256:
                link_error = (
                    "the signed text's SHA-256 differs from the published version's",
                    signature,
                    signature.sequence,
                )
            else:
                report.checked += 1
        previous = signature.hash
        expected_sequence = signature.sequence + 1
        if signature.sequence in anchored:
            hash_at[signature.sequence] = signature.hash
    if link_error is not None:
        return report.fail(link_error[0], link_error[1], link_error[2])
    for anchor in anchors:
        if anchor.compute_mac() != anchor.mac:
            return report.fail(
                f"the anchor of {anchor.day} was not written with the chain key", None, anchor.last_sequence
            )
        if anchor.last_sequence not in hash_at:
            return report.fail(
                f"the anchor of {anchor.day} names link #{anchor.last_sequence}, but the chain ends at "
                f"#{expected_sequence - 1} (newer links were removed)",
                None,
                anchor.last_sequence,
            )
        if hash_at[anchor.last_sequence] != anchor.last_hash:
            return report.fail(
                f"link #{anchor.last_sequence} differs from the one anchored on {anchor.day} (the chain was rewritten)",
                None,
                anchor.last_sequence,
            )
    report.anchors = len(anchors)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_sequence != expected_sequence - 1 or head.last_hash != previous):
        return report.fail(
            f"the chain ends at #{expected_sequence - 1} but its head says #{head.last_sequence}",
            None,
            expected_sequence,
        )
    return report


# --- Anchoring the chain head outside the database --------------------------------------


def chain_anchor(*, now=None) -> ChainAnchor | None:
    """Today's anchor of the chain head (made once a day; None while the chain is broken).

    The chain is verified first: anchoring a rewritten chain would vouch for it. A broken
    chain is reported to the data protection officer instead (through the outbox, once a
    day). Signing waits on the head lock meanwhile, so the anchored head and count belong
    together.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = ChainAnchor.objects.filter(day=day).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        head = _locked_chain_head()
        report = chain_verify()
        if not report.intact:
            logger.error("Code register not anchored: %s", report.describe())
            _enqueue_to_dpo(family=CHAIN_BROKEN_FAMILY, event=day.isoformat(), params={"problem": report.describe()})
            return None
        anchor = ChainAnchor(
            day=day,
            anchored_at=now,
            last_sequence=head.last_sequence,
            last_hash=head.last_hash,
            signatures=Signature.objects.count(),
        )
        anchor.mac = anchor.compute_mac()
        try:
            with transaction.atomic():
                anchor.save()
        except IntegrityError:  # another beat anchored today a moment ago
            return ChainAnchor.objects.get(day=day)
    return anchor


# The anchor emails are rows of the one outbox: one per anchor (or, for a broken chain, per
# day) and recipient, the key says which, so two beats or a retried task send nothing twice.
CHAIN_ANCHOR_FAMILY = "codex.chain_anchor"
CHAIN_BROKEN_FAMILY = "codex.chain_broken"


def _enqueue_to_dpo(*, family: str, event: str, params: dict) -> bool:
    address = settings.PRIVACY_CONTACT
    if not address:
        logger.error("Code register: no PRIVACY_CONTACT to send %s %s to", family, event)
        return False
    enqueue(family=family, key=f"{family}:{event}:{address.lower()}", recipient=address, params=params)
    return True


def chain_anchors_send(*, now=None) -> int:
    """Hand every anchor not yet handed over to the outbox, addressed to the data protection
    officer: the outbox row (key: anchor and recipient) and the anchor's note that it went
    (`sent_at`, `sent_to`: queued for that address) are written in one transaction, so an
    anchor is queued once, and the outbox sends each row once (README, "Outgoing email")."""
    queued = 0
    for pk in ChainAnchor.objects.filter(sent_at=None).order_by("day").values_list("pk", flat=True):
        with transaction.atomic():
            # QuerySet.update is refused on anchors (append-only); recording the hand-over is
            # the one change allowed, by the model and by the PostgreSQL trigger alike.
            if not ChainAnchor.objects.record_sent(pk, to=settings.PRIVACY_CONTACT, at=now or timezone.now()):
                continue  # another run queued it a moment ago
            if not _enqueue_to_dpo(family=CHAIN_ANCHOR_FAMILY, event=str(pk), params={"anchor": pk}):
                transaction.set_rollback(True)  # nobody to send it to: try again when there is
                continue
            queued += 1
    return queued


def _build_chain_email(row: Email, *, anchor: ChainAnchor | None, problem: str = ""):
    return build_templated_mail(
        "codex/email/chain_anchor",
        to=row.address,
        context={
            "anchor": anchor,
            "problem": problem,
            "public_url": settings.SITE_URL.rstrip("/") + reverse("codex:public"),
        },
    )


def build_chain_anchor(row: Email):
    """The anchor email, built at send time from the (append-only) anchor row."""
    anchor = ChainAnchor.objects.filter(pk=row.params["anchor"]).first()
    if anchor is None:
        return "the anchor does not exist"
    return _build_chain_email(row, anchor=anchor)


def build_chain_broken(row: Email):
    return _build_chain_email(row, anchor=None, problem=row.params["problem"])


# --- Reminders -------------------------------------------------------------------------
# The "please sign" emails are rows of the one outbox (outbox/services.py), family
# "codex.sign_reminder", one per person, version and round number (the key): a round
# fanned out twice, or a batch delivered twice, sends nothing twice.

REMINDER_FAMILY = "codex.sign_reminder"


def reminder_topic(round_id: int) -> str:
    return f"codex.round:{round_id}"


def reminder_round_fan_out(*, round_id: int) -> int:
    """Enqueue the round's emails in bulk (runs in a worker) and return how many people
    it concerns. The outbox's batches send them, bounded in size and time."""
    reminder_round = ReminderRound.objects.select_related("version").get(pk=round_id)
    version = reminder_round.version
    state = code_state()
    people = people_to_remind(version, state).order_by("pk").values_list("pk", flat=True)
    enqueue_many(
        {
            "family": REMINDER_FAMILY,
            "key": f"{REMINDER_FAMILY}:{version.pk}:{reminder_round.number}:{person_id}",
            "topic": reminder_topic(reminder_round.pk),
            "recipient": person_id,
            "params": {"version": version.pk, "number": reminder_round.number},
        }
        for person_id in people.iterator(chunk_size=5000)
    )
    total = Email.objects.filter(topic=reminder_topic(reminder_round.pk)).count()
    ReminderRound.objects.filter(pk=round_id).update(recipients=total, fanned_out_at=timezone.now())
    return total


def build_sign_reminder(row: Email):
    """The email for one outbox row, or why it is no longer needed (read at send time)."""
    person = row.recipient
    if person is None or not person.is_active:
        return "no account"
    version = CodeVersion.objects.filter(pk=row.params["version"]).first()
    due = [d for d in signing_status(person, code_state()) if version and d.version.pk == version.pk]
    if not due or due[0].signed:
        return "signed, or no longer asked to sign this version"
    return build_templated_mail(
        "codex/email/sign_reminder",
        to=person.email,
        context={
            "person": person,
            "version": version,
            "round": row.params["number"],
            "sign_url": settings.SITE_URL + reverse("codex:home"),
            "again": due[0].signed_before_term or version.number > 1,
        },
    )


def reminder_rounds_due(*, now=None) -> list[int]:
    """The beat task's question: which current versions are due their next round?

    Reminders are gentle (issue 18.4): round 0 goes at publication (`version_publish`);
    round n (n ≥ 1) is due settings.CODEX_REMINDER_AFTER_DAYS[n−1] days after publication
    and not before the same gap has passed since round n−1 started; after the last entry
    no round is ever due, and the start page's banner (codex/banner.py) is all that asks.
    The start of a round is the wall-clock time it was created — never a back-dated
    publication — so a worker or beat (re)starting finds the last round started less than
    a gap ago and starts nothing: no round at start-up (issue 13.3). Each round is created
    once (unique per version and number) and its id returned."""
    now = now or timezone.now()
    after_days = list(settings.CODEX_REMINDER_AFTER_DAYS)
    due = []
    for version in code_state().distinct_versions():
        if version.published_at is None:
            continue
        last = ReminderRound.objects.filter(version=version).order_by("-number").first()
        if last is None:
            number, due_at = 0, version.published_at
        else:
            number = last.number + 1
            if number > len(after_days):
                continue  # the cadence is spent: only the start page reminds from here on
            gap = after_days[number - 1] - (after_days[number - 2] if number >= 2 else 0)
            due_at = max(
                version.published_at + dt.timedelta(days=after_days[number - 1]),
                last.created_at + dt.timedelta(days=gap),
            )
        if now < due_at:
            continue
        try:
            with transaction.atomic():
                reminder_round, created = ReminderRound.objects.get_or_create(
                    version=version, number=number, defaults={"created_at": now}
                )
        except IntegrityError:
            continue
        if created:
            due.append(reminder_round.pk)
    return due


# --- Self-evaluation -------------------------------------------------------------------


def evaluation_submit(
    *, version: CodeVersion, committee=None, workplace=None, submitted_by, scores: dict, note: str = "", now=None
):
    """Store one self-evaluation: `scores` maps (point_id, question) → 1..5."""
    with transaction.atomic():
        values = list(scores.values())
        evaluation = SelfEvaluation.objects.create(
            version=version,
            committee=committee,
            workplace=workplace,
            submitted_by=submitted_by,
            note=note,
            submitted_at=now or timezone.now(),
            average=round(sum(values) / len(values), 2) if values else 0,
        )
        EvaluationAnswer.objects.bulk_create(
            EvaluationAnswer(evaluation=evaluation, point_id=point_id, question=question, score=score)
            for (point_id, question), score in scores.items()
        )
    return evaluation
