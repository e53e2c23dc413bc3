"""The monthly coverage digest: who gets it, and sending each email exactly once.

`digest_queue(month=…)` creates one outbox row per recipient and topic (the unique
constraint makes a second beat, or a second run, a no-op) and returns the rows still
unsent; `digest_send(delivery_id=…)` claims a row with a conditional update before the
email goes, so two workers never both send it. A worker that dies after the claim and
before the send leaves the row claimed but unsent: at most once, never twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisation.models import Committee, Membership, Role, Workplace
from samspil.mail import send_templated_mail

from . import selectors, stats
from .models import DigestDelivery


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _administrators():
    return {
        m.person
        for m in Membership.objects.current()
        .filter(role=Role.ADMINISTRATOR, person__is_active=True)
        .select_related("person")
        if m.person.email
    }


def _chairs() -> list[tuple[Committee, object]]:
    rows = (
        Membership.objects.current()
        .filter(role=Role.COMMITTEE_CHAIR, person__is_active=True, committee__is_active=True)
        .select_related("person", "committee")
    )
    return [(m.committee, m.person) for m in rows if m.person.email]


def digest_queue(*, month: dt.date) -> list[int]:
    """Create this month's outbox rows (idempotent) and return the ids not yet claimed."""
    month = month_start(month)
    wanted = [(person, DigestDelivery.ADMINISTRATORS) for person in _administrators()]
    if settings.COVERAGE_NUDGE_CHAIRS:
        wanted += [(chair, f"committee-{committee.pk}") for committee, chair in _chairs()]
    for person, topic in wanted:
        try:
            with transaction.atomic():
                DigestDelivery.objects.get_or_create(recipient=person, month=month, topic=topic)
        except IntegrityError:
            pass  # a concurrent run created it: the constraint decides
    return list(DigestDelivery.objects.filter(month=month, claimed_at=None).values_list("pk", flat=True))


def _missed(scope, today: dt.date) -> list[selectors.WorkplaceCoverage]:
    report = selectors.coverage_report(scope=scope, period=selectors.last_twelve_months(today), today=today)
    rows = [row for row in report.rows if row.status == stats.MISSED]
    return sorted(rows, key=lambda row: (row.last_contact is not None, row.last_contact or timezone.now(), row.name))


def digest_send(*, delivery_id: int, today: dt.date | None = None) -> bool:
    """Claim the outbox row, then send its email. Returns False when someone else had it."""
    today = today or timezone.localdate()
    claimed = DigestDelivery.objects.filter(pk=delivery_id, claimed_at=None).update(claimed_at=timezone.now())
    if claimed != 1:
        return False
    delivery = DigestDelivery.objects.select_related("recipient").get(pk=delivery_id)
    active = Workplace.objects.filter(is_active=True)
    committee = None
    if delivery.topic.startswith("committee-"):
        committee = Committee.objects.filter(pk=int(delivery.topic.split("-", 1)[1])).first()
        if committee is None:
            return False
        scope = active.filter(
            pk__in=Workplace.committees.through.objects.filter(committee=committee).values("workplace_id")
        )
        template = "coverage/email/chair_nudge"
        link = reverse("coverage:plan", args=[committee.slug])
    else:
        scope = active
        template = "coverage/email/digest"
        link = reverse("coverage:dashboard")
    missed = _missed(scope, today)
    if committee is not None and not missed:
        # Nothing to nudge about: the row stays claimed, so the chair is not asked this month.
        DigestDelivery.objects.filter(pk=delivery_id).update(missed_count=0)
        return False
    send_templated_mail(
        template,
        to=delivery.recipient.email,
        context={
            "recipient": delivery.recipient,
            "month": delivery.month,
            "missed": missed,
            "committee": committee,
            "url": settings.SITE_URL + link,
            "target": settings.COVERAGE_TARGET_PER_YEAR,
        },
    )
    DigestDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now(), missed_count=len(missed))
    return True
