"""Meeting kinds are data the administrators edit (issue 16.6): a municipality adds its own
("Temamøde" for the report's theme days), takes a kind out of use, and never loses the kind
of a meeting that was held."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from meetings.models import Meeting, MeetingKind
from tests.meetings import helpers
from tests.meetings.test_meetings import _form

ADD = "/admin/meetings/meetingkind/add/"


def _kind_choices(client) -> set[str]:
    response = client.get("/moeder/ny/")
    assert response.status_code == 200
    return {str(choice) for _value, choice in response.context["form"].fields["kind"].choices if _value}


def test_an_administrator_adds_a_theme_meeting_kind_and_it_is_offered_for_new_meetings(org, client_for):
    admin = client_for(org.admin)
    response = admin.post(
        ADD,
        {
            "name": "Temamøde",
            "name_en": "Theme meeting",
            "slug": "temamoede",
            "description": "Udvalg og arbejdspladser fordyber sig i ét emne.",
            "order": "50",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kind = MeetingKind.objects.get(slug="temamoede")
    assert AuditEntry.objects.filter(
        content_type__model="meetingkind", object_id=str(kind.pk), actor=org.admin
    ).exists()
    assert "Temamøde" in _kind_choices(client_for(org.leader))
    response = client_for(org.leader).post("/moeder/ny/", _form(org, kind=kind.pk, committee="", host=org.workplace.pk))
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.get().kind == kind


def test_a_kind_taken_out_of_use_is_not_offered_but_its_meetings_keep_it_and_stay_editable(org, client_for):
    kind = MeetingKind.objects.create(slug="temamoede", name="Temamøde", name_en="Theme meeting", order=50)
    leader = client_for(org.leader)
    assert leader.post("/moeder/ny/", _form(org, kind=kind.pk, committee="", host=org.workplace.pk)).status_code == 302
    meeting = Meeting.objects.get()
    MeetingKind.objects.filter(pk=kind.pk).update(is_active=False)

    assert "Temamøde" not in _kind_choices(leader)
    refused = leader.post("/moeder/ny/", _form(org, kind=kind.pk, committee="", host=org.workplace.pk, title="Igen"))
    assert refused.status_code == 400 and "kind" in refused.context["form"].errors
    # The meeting of the kind is edited as before, and keeps its kind.
    edited = leader.post(
        f"/moeder/{meeting.pk}/rediger/",
        _form(org, kind=kind.pk, committee="", host=org.workplace.pk, title="Temamøde om trivsel"),
    )
    assert edited.status_code == 302, edited.context["form"].errors
    meeting.refresh_from_db()
    assert (meeting.title, meeting.kind_id) == ("Temamøde om trivsel", kind.pk)


def test_a_kind_in_use_or_built_in_cannot_be_deleted_only_taken_out_of_use(org, client_for):
    admin = client_for(org.admin)
    built_in = helpers.kind("dialogue")
    assert admin.get(f"/admin/meetings/meetingkind/{built_in.pk}/delete/").status_code == 403
    unused = MeetingKind.objects.create(slug="temamoede", name="Temamøde", order=50)
    assert admin.post(f"/admin/meetings/meetingkind/{unused.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not MeetingKind.objects.filter(pk=unused.pk).exists()
    # A built-in kind's slug carries rules: it is shown, not edited.
    page = admin.get(f"/admin/meetings/meetingkind/{built_in.pk}/change/")
    assert page.status_code == 200 and 'name="slug"' not in page.content.decode()


@pytest.mark.parametrize("role", ["leader", "chair", "director", "centre_head", "member", "nobody"])
def test_only_administrators_edit_meeting_kinds(org, client_for, role):
    response = client_for(org.roles[role]).get(ADD)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"] or "/konto/login/" in response["Location"]
