"""The monthly coverage digest: who gets it, and sending each email exactly once.

`digest_queue(month=…)` enqueues one email per recipient and topic in the one outbox
(outbox/services.py, family "coverage.digest"): the key per month, topic and person makes
a second beat, or a second run, a no-op, and the outbox claims each row before it goes.
`build_digest` renders the email at send time, or says why none is needed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from organisation.models import Committee, Membership, Role, Workplace
from samspil.mail import build_templated_mail

from . import selectors, stats

ADMINISTRATORS = "administrators"


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


DIGEST_FAMILY = "coverage.digest"


def digest_queue(*, month: dt.date) -> int:
    """Enqueue this month's digests (idempotent by key); returns how many were offered."""
    from outbox.services import enqueue_many

    month = month_start(month)
    wanted = [(person, ADMINISTRATORS) for person in _administrators()]
    if settings.COVERAGE_NUDGE_CHAIRS:
        wanted += [(chair, f"committee-{committee.pk}") for committee, chair in _chairs()]
    return enqueue_many(
        {
            "family": DIGEST_FAMILY,
            "key": f"{DIGEST_FAMILY}:{month:%Y-%m}:{topic}:{person.pk}",
            "recipient": person,
            "params": {"month": month.isoformat(), "topic": topic},
        }
        for person, topic in wanted
    )


def _missed(scope, today: dt.date) -> list[selectors.WorkplaceCoverage]:
    report = selectors.coverage_report(scope=scope, period=selectors.last_twelve_months(today), today=today)
    rows = [row for row in report.rows if row.status == stats.MISSED]
    return sorted(rows, key=lambda row: (row.last_contact is not None, row.last_contact or timezone.now(), row.name))


def build_digest(row, *, today: dt.date | None = None):
    """The email for one outbox row, or why none is needed (read at send time)."""
    today = today or timezone.localdate()
    recipient, topic = row.recipient, row.params["topic"]
    if recipient is None or not recipient.email:
        return "no email address"
    active = Workplace.objects.filter(is_active=True)
    committee = None
    if topic.startswith("committee-"):
        committee = Committee.objects.filter(pk=int(topic.split("-", 1)[1])).first()
        if committee is None:
            return "the committee was deleted"
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
        # Nothing to nudge about: the row is skipped, so the chair is not asked this month.
        return "no workplace of the committee below the target"
    return build_templated_mail(
        template,
        to=recipient.email,
        context={
            "recipient": recipient,
            "month": dt.date.fromisoformat(row.params["month"]),
            "missed": missed,
            "committee": committee,
            "url": settings.SITE_URL + link,
            "target": settings.COVERAGE_TARGET_PER_YEAR,
        },
    )
