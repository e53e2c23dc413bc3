"""The start page's plain-SQL reads (portal/rawsql.py) give what the ORM gives."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import unread_for
from organisation.models import Membership, Role
from portal.views import current_memberships
from tests.factories import grant


def test_the_memberships_are_the_orms_current_memberships_with_their_units(org):
    # One that ended yesterday and one that starts tomorrow are not current.
    today = timezone.localdate()
    Membership.objects.create(
        person=org.leader,
        role=Role.COMMITTEE_MEMBER,
        committee=org.other_committee,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=1),
    )
    Membership.objects.create(
        person=org.leader, role=Role.EMPLOYEE, workplace=org.other_workplace, starts_on=today + dt.timedelta(days=1)
    )
    grant(org.leader, Role.ADMINISTRATOR)
    for person in (org.leader, org.chair, org.centre_head, org.admin, org.nobody):
        expected = list(
            Membership.objects.current()
            .filter(person=person)
            .select_related("committee", "workplace", "workplace__kind", "centre")
            .order_by("role")
        )
        got = current_memberships(person)

        def shown(memberships):
            return sorted(
                (
                    m.pk,
                    m.role,
                    m.get_role_display(),
                    str(m.unit or ""),
                    m.unit.get_absolute_url() if m.committee or m.workplace else None,
                    m.workplace.kind.label if m.workplace else None,
                    m.workplace.is_active if m.workplace else None,
                    m.centre.slug if m.centre else None,
                    m.starts_on,
                    m.ends_on,
                )
                for m in memberships
            )

        assert shown(got) == shown(expected), person
        assert [m.role for m in got] == [m.role for m in expected]


def test_the_unread_notifications_are_the_orms_newest_unread_with_their_texts(org):
    now = timezone.now()
    for index, (kind, actor) in enumerate(
        [("story_submitted", org.employee), ("story_submitted", None), ("no_such_kind", org.leader)] * 4
    ):
        Notification.objects.create(
            recipient=org.leader,
            kind=kind,
            event=f"test:{index}",
            params={"title": f"Historie {index}", "workplace": "Skolen", "date": "2026-03-01"},
            link=f"/x/{index}/",
            actor=actor,
            delivery="start_page",
            created_at=now - dt.timedelta(minutes=index % 5),
            read_at=now if index == 3 else None,
        )
    expected = list(
        Notification.objects.filter(recipient=org.leader, read_at=None)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:10]
    )
    got = unread_for(org.leader)
    assert [(n.pk, n.link, n.created_at, n.text) for n in got] == [
        (n.pk, n.link, n.created_at, n.text) for n in expected
    ]
    assert all(n.created_at.tzinfo is not None for n in got)
    assert any(n.text for n in got)
