"""The hearing: autosave with a version (no lost words), employees' input, the frozen
answer with its SHA-256, "no comments", speaking at the committee, and the papers
(print, PDF appendix, the agenda system's JSON)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse

from cases import services
from cases.api import make_token
from cases.models import Case, Contribution, Hearing
from meetings.models import Participant
from organisation.models import Role
from outbox.models import Email
from tests.factories import UserFactory, grant

from .helpers import ANSWER, hearing_of, make_case

pytestmark = pytest.mark.django_db


def _save(client, hearing, text, version, **headers):
    return client.post(reverse("cases:answer_save", args=[hearing.pk]), {"answer": text, "version": version}, **headers)


def test_autosave_keeps_both_texts_when_two_save_from_the_same_version(org, client_for):
    hearing = hearing_of(make_case(org))
    leader = client_for(org.leader)
    assert _save(leader, hearing, "Første udkast", 1, HTTP_HX_REQUEST="true").status_code == 200
    # A second tab still on version 1: refused, theirs shown, mine kept in the box.
    response = _save(leader, hearing, "Mit eget udkast", 1)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Første udkast" in page and "Mit eget udkast" in page
    hearing.refresh_from_db()
    assert hearing.answer == "Første udkast" and hearing.version == 2
    # The htmx answer says so too, and hands over the current version.
    response = _save(leader, hearing, "Mit eget udkast", 1, HTTP_HX_REQUEST="true")
    assert 'value="2"' in response.content.decode() and "Første udkast" in response.content.decode()
    assert _save(leader, hearing, "Mit eget udkast", 2, HTTP_HX_REQUEST="true").status_code == 200
    hearing.refresh_from_db()
    assert hearing.answer == "Mit eget udkast" and hearing.version == 3


def test_the_submitted_answer_is_frozen_verbatim_with_its_sha256(org, client_for):
    case = make_case(org)
    hearing = hearing_of(case)
    leader = client_for(org.leader)
    empty = leader.post(reverse("cases:submit", args=[hearing.pk]), {"answer": "  ", "version": 1})
    assert empty.status_code == 400 and "Skriv svaret" in empty.content.decode()
    response = leader.post(reverse("cases:submit", args=[hearing.pk]), {"answer": ANSWER, "version": 1})
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.ANSWERED
    assert hearing.submitted_text == ANSWER
    assert hearing.sha256 == hashlib.sha256(ANSWER.encode("utf-8")).hexdigest()
    # Never edited afterwards: saving and submitting again are refused.
    assert _save(leader, hearing, "Ændret", hearing.version).status_code == 403
    hearing.refresh_from_db()
    assert hearing.submitted_text == ANSWER
    for reader in (org.chair, org.member, org.centre_head, org.employee, org.admin):
        page = client_for(reader).get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert hearing.sha256 in page
        assert "Egeskovskolen støtter forslaget." in page and "«trivsel»" in page
        assert "hørt: besvaret" in page


def test_no_comments_is_an_explicit_answer(org, client_for):
    case = make_case(org)
    hearing = hearing_of(case)
    assert client_for(org.leader).post(reverse("cases:no_comments", args=[hearing.pk])).status_code == 302
    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.NO_COMMENTS and hearing.submitted_by == org.leader
    assert (
        "hørt: ingen bemærkninger"
        in client_for(org.chair).get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_a_draft_is_seen_by_the_leader_and_the_invited_only(org, client_for):
    case = make_case(org)
    hearing = hearing_of(case)
    services.hearing_save_answer(hearing=hearing, answer="Hemmeligt udkast", version=1)
    url = reverse("cases:hearing", args=[hearing.pk])
    assert client_for(org.employee).get(url).status_code == 404
    # The case page never shows a draft answer.
    assert "Hemmeligt udkast" not in client_for(org.chair).get(reverse("cases:detail", args=[case.pk])).content.decode()
    response = client_for(org.leader).post(reverse("cases:invite", args=[hearing.pk]), {"people": [org.employee.pk]})
    assert response.status_code == 302
    page = client_for(org.employee).get(url)
    assert page.status_code == 200 and "Hemmeligt udkast" in page.content.decode()
    response = client_for(org.employee).post(reverse("cases:contribute", args=[hearing.pk]), {"text": ""})
    assert response.status_code == 400 and "Feltet skal udfyldes." in response.content.decode()
    response = client_for(org.employee).post(
        reverse("cases:contribute", args=[hearing.pk]), {"text": "Husk forældrene"}
    )
    assert response.status_code == 302
    assert Contribution.objects.get().author == org.employee
    leader_page = client_for(org.leader).get(url).content.decode()
    assert "Husk forældrene" in leader_page and "data-quote-source" in leader_page
    # The union representative was not invited: no draft, no input.
    assert (
        client_for(org.union_rep).post(reverse("cases:contribute", args=[hearing.pk]), {"text": "x"}).status_code == 404
    )


def test_the_chair_accepts_the_fagleder_who_appears_on_the_agenda_and_is_invited(org, client_for):
    fagleder = UserFactory(email="fagleder@test.example", full_name="Frida Fagleder")
    grant(fagleder, Role.EMPLOYEE, workplace=org.workplace)
    case = make_case(org)
    hearing = hearing_of(case)
    speak = reverse("cases:speak", args=[hearing.pk])
    missing = client_for(org.leader).post(speak, {"presenter": "", "presenter_name": "", "presenter_title": ""})
    assert missing.status_code == 400 and "Vælg en oplægsholder" in missing.content.decode()
    data = {"presenter": fagleder.pk, "presenter_name": "", "presenter_title": "Fagleder, indskoling"}
    assert client_for(org.employee).post(speak, data).status_code == 404
    assert client_for(org.leader).post(speak, data).status_code == 302
    decline = reverse("cases:speak_decide", args=[hearing.pk, "decline"])
    accept = reverse("cases:speak_decide", args=[hearing.pk, "accept"])
    assert client_for(org.member).post(accept, {"minutes": 10}).status_code == 403
    no_reason = client_for(org.chair).post(decline, {"reason": ""})
    assert no_reason.status_code == 400 and "Angiv begrundelsen for afslaget." in no_reason.content.decode()
    assert client_for(org.chair).post(accept, {"minutes": 10}).status_code == 302
    hearing.refresh_from_db()
    assert hearing.speaking == Hearing.Speaking.ACCEPTED and hearing.presenter == fagleder
    case.agenda_item.refresh_from_db()
    assert case.agenda_item.presenter_text == "Frida Fagleder, Fagleder, indskoling (Egeskovskolen)"
    assert case.agenda_item.duration_minutes == 10
    meeting_page = client_for(org.member).get(case.meeting.get_absolute_url()).content.decode()
    assert "Frida Fagleder, Fagleder, indskoling (Egeskovskolen)" in meeting_page
    # The presenter and the leader are participants, each with their invitation (.ics).
    assert Participant.objects.filter(meeting=case.meeting, person=fagleder).exists()
    assert Email.objects.filter(
        family="meetings.calendar", recipient=fagleder, params__meeting=case.meeting.pk, params__method="REQUEST"
    ).exists()
    agenda = client_for(org.chair).get(reverse("cases:agenda", args=[case.meeting_id])).content.decode()
    assert "Frida Fagleder" in agenda


def test_the_pdf_appendix_holds_the_answer_verbatim(org, client_for):
    from pypdf import PdfReader

    case = make_case(org, Case.Status.READY)
    response = client_for(org.member).get(reverse("cases:pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert " ".join(ANSWER.split()) in text
    assert hearing_of(case).sha256 in text.replace(" ", "")
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")  # tagged
    print_page = client_for(org.member).get(reverse("cases:print", args=[case.pk])).content.decode()
    assert "Egeskovskolen støtter forslaget." in print_page


def test_the_agenda_system_reads_json_with_its_token(org, client):
    case = make_case(org, Case.Status.READY)
    draft = make_case(org, Case.Status.DRAFT)
    url = reverse("cases:api_case", args=[case.pk])
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    token = make_token("eDoc dagsorden")
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == case.title and data["status"] == "ready"
    assert data["hearings"][0]["answer"] == ANSWER and data["hearings"][0]["sha256"] == hearing_of(case).sha256
    assert (
        client.get(reverse("cases:api_case", args=[draft.pk]), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    )
    # A new token for the same system stops the old one.
    make_token("eDoc dagsorden")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
