from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.models import AuditEntry
from organisation.models import Membership, Role
from tests.factories import grant
from tests.organisation.test_import import _enrol_mfa


def entries_for(obj):
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)).order_by(
            "at", "id"
        )
    )


def test_a_change_through_a_view_records_who_what_when_and_the_request(org, client_for):
    client = client_for(org.leader)
    client.post(
        reverse("organisation:workplace_edit", args=[org.workplace.slug]),
        {"description": "Ny beskrivelse", "address": "Skolevej 2", "postcode": "4200", "city": "Bølgeby"},
        HTTP_X_REQUEST_ID="req-123",
    )
    entry = entries_for(org.workplace)[-1]
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == org.leader
    assert entry.changes["description"][1] == "Ny beskrivelse"
    assert entry.changes["address"] == ["Skolevej 1", "Skolevej 2"]
    assert entry.request_id == "req-123"
    assert entry.source == f"POST /virksomheder/{org.workplace.slug}/rediger/"
    assert entry.ip == "127.0.0.1"


def test_creates_and_deletes_of_memberships_are_recorded(org):
    membership = grant(org.nobody, Role.EMPLOYEE, workplace=org.workplace)
    pk = membership.pk
    membership.delete()
    actions = [e.action for e in AuditEntry.objects.filter(object_id=str(pk), content_type__model="membership")]
    assert sorted(actions) == ["create", "delete"]


def test_bulk_updates_and_bulk_creates_are_recorded_per_row(org):
    Membership.objects.filter(workplace=org.workplace).update(ends_on=dt.date(2030, 1, 1))
    rows = Membership.objects.filter(workplace=org.workplace)
    for membership in rows:
        assert entries_for(membership)[-1].action == AuditEntry.Action.BULK_UPDATE
        assert entries_for(membership)[-1].changes == {"ends_on": [None, "2030-01-01"]}
    created = Membership.objects.bulk_create(
        [Membership(person=org.nobody, role=Role.EMPLOYEE, workplace=org.other_workplace)]
    )
    assert entries_for(created[0])[0].action == AuditEntry.Action.CREATE


def test_passwords_never_reach_the_audit_trail(org):
    org.nobody.set_password("Something-secret-42")
    org.nobody.save()
    for entry in entries_for(org.nobody):
        assert "password" not in entry.changes


def test_a_rolled_back_change_leaves_no_entry(org):
    from django.db import transaction

    before = AuditEntry.objects.count()
    try:
        with transaction.atomic():
            grant(org.nobody, Role.EMPLOYEE, workplace=org.workplace)
            raise RuntimeError
    except RuntimeError:
        pass
    assert AuditEntry.objects.count() == before


def test_administrators_read_an_objects_history_in_the_admin(org, client_for):
    org.workplace.description = "Ændret"
    org.workplace.save()
    _enrol_mfa(org.admin)
    response = client_for(org.admin).get(reverse("admin:organisation_workplace_history", args=[org.workplace.pk]))
    assert response.status_code == 200
    assert "Ændret" in response.content.decode()
    assert client_for(org.leader).get(
        reverse("admin:organisation_workplace_history", args=[org.workplace.pk])
    ).status_code in (302, 403)


def test_the_capabilities_records_leave_an_audit_trail(org, client_for):
    from meetings.models import Booking
    from meetings.visits import services as visit_services
    from tests.meetings import helpers as meeting_helpers

    slot = meeting_helpers.slot(org)
    booking = visit_services.visit_book(slot_id=slot.pk, member=org.member, purpose="Besøg")
    assert entries_for(Booking.objects.get(pk=booking.pk))[0].action == AuditEntry.Action.CREATE
    from meetings.models import Meeting

    visit = Meeting.objects.get(visit_slot=slot)
    assert entries_for(visit)[0].action == AuditEntry.Action.CREATE
    assert entries_for(visit)[0].actor is None  # a service called outside a request acts as the system


def test_bulk_updates_of_the_capabilities_records_are_recorded_and_lost_races_are_not(org):
    from meetings.models import VisitSlot
    from tests.meetings import helpers as meeting_helpers

    slot = meeting_helpers.slot(org)
    assert VisitSlot.objects.filter(pk=slot.pk).update(capacity=3) == 1
    assert entries_for(slot)[-1].action == AuditEntry.Action.BULK_UPDATE
    assert entries_for(slot)[-1].changes == {"capacity": [None, 3]}
    before = len(entries_for(slot))
    # A conditional update that matches nothing leaves no entry.
    assert VisitSlot.objects.filter(pk=slot.pk, capacity=99).update(capacity=4) == 0
    assert len(entries_for(slot)) == before


def test_an_update_records_exactly_the_fields_that_changed_since_the_row_was_loaded(org):
    from organisation.models import Workplace

    workplace = Workplace.objects.get(pk=org.workplace.pk)
    workplace.city = "Havby"
    workplace.save()
    assert entries_for(workplace)[-1].changes == {"city": [org.workplace.city, "Havby"]}
    # Compared with the last save from then on, and a save that changes nothing writes nothing.
    before = len(entries_for(workplace))
    workplace.save()
    assert len(entries_for(workplace)) == before
    workplace.postcode = "4300"
    workplace.save()
    assert entries_for(workplace)[-1].changes == {"postcode": [org.workplace.postcode, "4300"]}
    # A deferred field loads as unknown, as before.
    deferred = Workplace.objects.only("pk", "name").get(pk=org.workplace.pk)
    deferred.name = "Nyt navn"
    deferred.save(update_fields=["name"])
    assert entries_for(workplace)[-1].changes["name"] == [org.workplace.name, "Nyt navn"]


def test_a_json_field_changed_in_place_is_recorded_as_changed(org):
    """post_init keeps references to what it loaded: a dict or list changed in place must
    still differ from it (audit/registry.py encodes such fields when loading)."""
    from django.db.models.signals import post_delete, post_init, post_save

    from audit import registry
    from notifications.models import Notification

    notification = Notification.objects.create(
        recipient=org.member, kind="story_published", event="e:1", params={"tags": ["x"], "title": "A"}, link="/"
    )
    registry.track(Notification)
    try:
        loaded = Notification.objects.get(pk=notification.pk)
        loaded.params["tags"].append("y")
        loaded.save()
        changes = entries_for(loaded)[-1].changes
        assert list(changes) == ["params"]
        assert changes["params"][0] == str({"tags": ["x"], "title": "A"})
        assert changes["params"][1] == str({"tags": ["x", "y"], "title": "A"})
        loaded.params["title"] = "B"
        registry.AuditedQuerySet(Notification).bulk_update([loaded], ["params", "link"])
        assert entries_for(loaded)[-1].changes == {
            "params": [str({"tags": ["x", "y"], "title": "A"}), str({"tags": ["x", "y"], "title": "B"})]
        }
    finally:
        uid = f"audit-{Notification._meta.label}"
        for signal in (post_init, post_save, post_delete):
            signal.disconnect(sender=Notification, dispatch_uid=uid)
        registry._tracked.pop(Notification, None)
        registry._load_plan.pop(Notification, None)
