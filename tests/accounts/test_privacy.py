from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.privacy import person_erase, purge_expired
from audit.models import AuditEntry
from organisation.models import ImportJob, Membership


def test_a_person_downloads_everything_samspil_holds_about_them(org, client_for):
    response = client_for(org.leader).get(reverse("accounts:my_data_download"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"][0]["email"] == "leader@test.example"
    assert data["memberships"][0]["workplace__name"] == "Egeskovskolen"
    assert "password" not in json.dumps(data)


def test_the_data_page_shows_the_sections(org, client_for):
    html = client_for(org.leader).get(reverse("accounts:my_data")).content.decode()
    assert "Egeskovskolen" in html and "leader@test.example" in html


def test_erasing_a_person_anonymises_the_account_and_deletes_what_may_go(org):
    Invitation.issue(person=org.employee, invited_by=org.admin)
    person_erase(person=org.employee, erased_by=org.admin)
    org.employee.refresh_from_db()
    assert org.employee.full_name == f"Slettet person {org.employee.pk}"
    assert "employee" not in org.employee.email
    assert not org.employee.is_active and not org.employee.has_usable_password()
    assert not Invitation.objects.filter(person=org.employee).exists()
    # The role history stays, pointing at the erased person.
    assert Membership.objects.filter(person=org.employee).exists()
    assert (
        Client().post(reverse("account_login"), {"login": "employee@test.example", "password": "x"}).status_code == 400
    )


def test_an_erased_person_can_no_longer_log_in_or_use_a_session(org, client_for):
    client = client_for(org.employee)
    person_erase(person=org.employee)
    assert client.get("/").status_code == 302


def test_expired_personal_data_is_deleted_for_real(org, settings):
    old = timezone.now() - dt.timedelta(days=400)
    job = ImportJob.objects.create(
        kind="committees", file=SimpleUploadedFile("a.csv", b"navn\nx\n"), original_name="a.csv", created_at=old
    )
    path = job.file.path
    invitation, _ = Invitation.issue(person=org.nobody, invited_by=None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=old)
    AuditEntry.objects.update(at=old)
    settings.RETENTION_DAYS = {"imports": 90, "invitations": 180, "audit": 365}
    deleted = purge_expired()
    assert deleted["imports"] == 1 and deleted["invitations"] == 1 and deleted["audit"] > 0
    assert not ImportJob.objects.exists()
    import os

    assert not os.path.exists(path)
    assert not AuditEntry.objects.filter(at__lte=old).exists()


def test_the_privacy_page_is_public_and_lists_the_retention_periods(db):
    html = Client().get(reverse("accounts:privacy")).content.decode()
    assert "dpo@" in html
    assert "90" in html and "180" in html


def test_the_download_covers_every_capability(org, client_for):
    from meetings.models import Participant
    from tests.meetings import helpers as meeting_helpers
    from tests.stories.helpers import make_story

    meeting = meeting_helpers.meeting(org, days=5)
    assert Participant.objects.filter(meeting=meeting, person=org.member).exists()
    story = make_story(org.workplace, org.member)
    data = json.loads(client_for(org.member).get(reverse("accounts:my_data_download")).content)
    for key in (
        "account",
        "memberships",
        "meetings",
        "bookings",
        "minutes",
        "calendar",
        "agreement_comments",
        "agreement_signatures",
        "code_signatures",
        "stories",
        "story_thanks",
        "story_follows",
    ):
        assert key in data, key
    assert data["meetings"][0]["meeting__title"] == meeting.title
    assert data["stories"][0]["title"] == story.title
    # The data page shows the same sections, and its export runs a bounded number of queries.
    assert client_for(org.member).get(reverse("accounts:my_data")).status_code == 200
