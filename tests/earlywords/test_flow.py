"""A word before the press: given, told, acknowledged, confidential, deleted in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from earlywords import services
from earlywords.models import EarlyWord, Recipient
from outbox.models import Email
from tests.earlywords.helpers import give

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "Klage over skolebussen",
    "about": "Forældre har skrevet til avisen om forsinkede busser.",
    "action": "Vi taler med busselskabet.",
    "contact_name": "Skolens leder",
    "contact_phone": "58 57 10 00",
}


def test_a_leader_tells_the_chair_and_the_director_who_acknowledge(org, client_for):
    leader = client_for(org.leader)
    response = leader.post(reverse("earlywords:give"), {**FORM, "workplace": org.workplace.pk})
    early_word = EarlyWord.objects.get()
    assert response.status_code == 302 and response["Location"] == early_word.get_absolute_url()
    told = {r.person: r.capacity for r in early_word.recipients.all()}
    assert told == {org.chair: "chair", org.director: "director"}
    # One email per person told, through the outbox, and none of the word's text in it.
    emails = Email.objects.filter(family="earlywords.told")
    assert sorted(e.recipient_id for e in emails) == sorted([org.chair.pk, org.director.pk])

    chair = client_for(org.chair)
    assert "Kvittér: Jeg har læst det" in chair.get(early_word.get_absolute_url()).content.decode()
    assert chair.post(reverse("earlywords:acknowledge", args=[early_word.pk])).status_code == 302
    recipient = early_word.recipients.get(person=org.chair)
    assert recipient.status == Recipient.Status.ACKNOWLEDGED and recipient.acknowledged_at is not None
    # The sender sees who acknowledged, and when; acknowledging twice changes nothing.
    page = leader.get(early_word.get_absolute_url()).content.decode()
    assert "kvitteret" in page and "ikke kvitteret endnu" in page  # the director has not yet
    chair.post(reverse("earlywords:acknowledge", args=[early_word.pk]))
    assert Email.objects.filter(family="earlywords.acknowledged").count() == 1


def test_a_personal_identification_number_is_refused_and_nothing_typed_is_lost(org, client_for):
    data = {**FORM, "workplace": org.workplace.pk, "about": "Sagen om eleven 010203-1234 kan komme i avisen."}
    response = client_for(org.leader).post(reverse("earlywords:give"), data)
    assert response.status_code == 400
    assert "personnummeret" in " ".join(response.context["form"].errors["about"])
    html = response.content.decode()
    assert "Sagen om eleven 010203-1234 kan komme i avisen." in html and FORM["action"] in html
    assert not EarlyWord.objects.exists()


@pytest.mark.parametrize("text", ["Ring på 58571000", "Sag nr. 2026-123456", "Budget 1.250.000 kr"])
def test_numbers_that_are_not_personal_identification_numbers_pass(text):
    assert not services.contains_cpr_number(text)


@pytest.mark.parametrize("text", ["0102031234", "010203-1234", "Født 311299 1234"])
def test_personal_identification_numbers_are_found(text):
    assert services.contains_cpr_number(text)


def test_a_leader_cannot_give_one_for_another_workplace(org, client_for):
    response = client_for(org.leader).post(reverse("earlywords:give"), {**FORM, "workplace": org.other_workplace.pk})
    assert response.status_code == 400 and "workplace" in response.context["form"].errors
    assert not EarlyWord.objects.exists()


def test_the_rest_of_the_committee_and_the_workplace_never_see_it(org, client_for):
    early_word = give(org)
    for person in (org.member, org.employee, org.union_rep, org.centre_head, org.other_member, org.nobody):
        client = client_for(person)
        assert client.get(early_word.get_absolute_url()).status_code == 404
        assert early_word.subject not in client.get(reverse("earlywords:list")).content.decode()


def test_it_is_never_public_nor_in_a_feed(org, client):
    early_word = give(org)
    assert client.get(early_word.get_absolute_url()).status_code == 302  # to the login page
    for name in ("stories:public", "stories:atom", "codex:public"):
        assert early_word.subject not in client.get(reverse(name)).content.decode()


def test_the_chairs_start_page_lists_unacknowledged_words_first(org, client_for):
    early_word = give(org)
    client = client_for(org.chair)
    steps = client.get(reverse("portal:home")).context["next_steps"]
    assert steps[0].url == early_word.get_absolute_url()
    services.early_word_acknowledge(early_word=early_word, person=org.chair)
    steps = client.get(reverse("portal:home")).context["next_steps"]
    assert all(step.url != early_word.get_absolute_url() for step in steps)


def test_early_words_are_deleted_for_real_after_the_retention_period(org, settings):
    from accounts.privacy import purge_expired

    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "early_words": 30}
    old, new = give(org), give(org, subject="Nyt")
    EarlyWord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert purge_expired()["early_words"] >= 1
    assert list(EarlyWord.objects.values_list("pk", flat=True)) == [new.pk]
    assert not Recipient.objects.filter(early_word_id=old.pk).exists()


def test_the_privacy_page_names_the_retention_period(org, client):
    assert "Forvarsler før pressen" in client.get(reverse("accounts:privacy")).content.decode()


def test_the_told_email_links_to_a_page_its_reader_may_open(org, client_for, mailoutbox, settings):
    from outbox.services import send_batch

    settings.SITE_URL = "http://testserver"
    early_word = give(org)
    send_batch()
    sent = {message.to[0]: message for message in mailoutbox}
    for person in (org.chair, org.director):
        message = sent[person.email]
        assert early_word.about not in message.body
        url = next(line for line in message.body.splitlines() if line.startswith("http://testserver"))
        assert client_for(person).get(url.removeprefix("http://testserver")).status_code == 200
