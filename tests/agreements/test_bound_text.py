"""Issue 13, defect 1: approval and signatures are bound to the exact text.

Each test here fails on the main branch before the transition table: there the leader could
edit after the chair's approval, the Sign button showed before it and stayed after signing,
nothing recorded which text was approved, and the admin could change an agreed text.
"""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, Approval, Revision
from tests.organisation.test_import import _enrol_mfa

from .helpers import confirmed, goal_post, make_agreement, own_goal

pytestmark = pytest.mark.django_db


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _sha(snapshot: dict) -> str:
    # Written out here rather than imported: the test states what the hash is over.
    return hashlib.sha256(
        json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def _approved(org) -> Agreement:
    agreement = make_agreement(org, "in_dialogue")
    services.agreement_approve(agreement=agreement, chair=org.chair)
    return Agreement.objects.get(pk=agreement.pk)


def test_after_approval_the_editor_is_not_offered_and_every_edit_endpoint_refuses(org, client_for):
    agreement = _approved(org)
    goal = own_goal(agreement)
    before = services.snapshot(agreement)
    leader = _english(client_for(org.leader))
    page = leader.get(agreement.get_absolute_url()).content.decode()
    assert "Edit the draft" not in page and reverse("agreements:edit", args=[agreement.pk]) not in page
    assert "The committee chair has approved this text" in page
    refused = [
        leader.get(reverse("agreements:edit", args=[agreement.pk])),
        leader.post(
            reverse("agreements:introduction_save", args=[agreement.pk]),
            {
                "introduction": "En ny sætning efter godkendelsen.",
                "introduction_version": agreement.introduction_version,
            },
        ),
        leader.post(reverse("agreements:goal_save", args=[goal.pk]), goal_post(goal, title="Ændret efter godkendelse")),
        leader.post(reverse("agreements:goal_add", args=[agreement.pk]), {"title": "Nyt mål", "kind": "own"}),
        leader.post(
            reverse("agreements:milestone_add", args=[goal.pk]),
            {f"milestone-{goal.pk}-title": "Trin", f"milestone-{goal.pk}-due_on": "2027-06-01"},
        ),
        leader.post(reverse("agreements:goal_move", args=[goal.pk]), {"direction": "up"}),
        leader.post(reverse("agreements:goal_delete", args=[goal.pk])),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert services.snapshot(Agreement.objects.get(pk=agreement.pk)) == before


def test_the_edit_services_refuse_the_approved_text_too(org):
    agreement = _approved(org)
    goal = own_goal(agreement)
    result = services.agreement_save_introduction(
        agreement=agreement, introduction="Ny tekst", version=agreement.version, by=org.leader
    )
    assert not result.saved
    for attempt in (
        lambda: services.goal_add(agreement=agreement, title="Nyt", by=org.leader),
        lambda: services.goal_delete(goal=goal, by=org.leader),
        lambda: services.goal_save(
            goal=goal, data={"title": "Nyt"}, partner_ids=[], version=goal.version, by=org.leader
        ),
    ):
        with pytest.raises(services.TransitionError):
            attempt()
    assert Agreement.objects.get(pk=agreement.pk).introduction == agreement.introduction


def test_sign_shows_only_after_approval_and_disappears_for_whoever_signed(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    sign_url = reverse("agreements:sign", args=[agreement.pk])
    leader, head, chair = (_english(client_for(u)) for u in (org.leader, org.centre_head, org.chair))

    def shows_sign(client) -> bool:
        return sign_url in client.get(agreement.get_absolute_url()).content.decode()

    assert not shows_sign(leader) and not shows_sign(head)
    assert leader.post(sign_url, confirmed(agreement, "sign")).status_code == 403  # the endpoint agrees
    assert not Approval.objects.filter(agreement=agreement).exists()
    chair.post(reverse("agreements:approve", args=[agreement.pk]), confirmed(agreement, "approve"))
    assert shows_sign(leader) and shows_sign(head) and not shows_sign(chair)
    assert leader.post(sign_url, confirmed(agreement, "sign")).status_code == 302
    assert not shows_sign(leader) and shows_sign(head)
    assert leader.post(sign_url, confirmed(agreement, "sign")).status_code == 403
    assert Approval.objects.filter(agreement=agreement, kind="leader").count() == 1


def test_approval_and_each_signature_record_the_sha256_of_the_text_they_covered(org, client_for):
    agreement = make_agreement(org, "in_dialogue")
    for user, url in (
        (org.chair, "agreements:approve"),
        (org.leader, "agreements:sign"),
        (org.centre_head, "agreements:sign"),
    ):
        client = client_for(user)
        page = client.get(reverse(url, args=[agreement.pk])).content.decode()  # the confirmation page
        shown = page.split('name="text_sha256" value="', 1)[1][:64]
        box = {"consent": "on"} if url == "agreements:sign" else {"confirm": "on"}
        assert client.post(reverse(url, args=[agreement.pk]), {"text_sha256": shown, **box}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "agreed"
    revision = Revision.objects.get(agreement=agreement, number=1)
    digest = _sha(revision.snapshot)
    assert revision.text_sha256 == digest
    assert {a.kind: a.text_sha256 for a in Approval.objects.filter(agreement=agreement)} == {
        "chair": digest,
        "leader": digest,
        "centre_head": digest,
    }


def test_a_signature_on_a_text_the_signer_did_not_see_is_refused(org, client_for):
    agreement = _approved(org)
    stale = _sha({"introduction": "the text some hours ago"})
    response = _english(client_for(org.leader)).post(
        reverse("agreements:sign", args=[agreement.pk]), {"text_sha256": stale, "consent": "on"}, follow=True
    )
    assert "The text changed after you opened the agreement" in response.content.decode()
    assert not Approval.objects.filter(agreement=agreement, kind="leader").exists()


def test_the_chair_withdraws_the_approval_before_anyone_signed_and_the_text_opens_again(org, client_for):
    agreement = _approved(org)
    chair, leader = client_for(org.chair), client_for(org.leader)
    assert chair.post(reverse("agreements:withdraw_approval", args=[agreement.pk])).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "in_dialogue" and not agreement.approvals.exists()
    assert leader.get(reverse("agreements:edit", args=[agreement.pk])).status_code == 200
    # Once someone signed, the approval stays: withdrawing would void a signature silently.
    chair.post(reverse("agreements:approve", args=[agreement.pk]), confirmed(agreement, "approve"))
    leader.post(reverse("agreements:sign", args=[agreement.pk]), confirmed(agreement, "sign"))
    assert chair.post(reverse("agreements:withdraw_approval", args=[agreement.pk])).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).status == "approved"


def test_the_signed_revision_and_the_signatures_never_change(org):
    agreement = make_agreement(org, "agreed")
    revision = Revision.objects.get(agreement=agreement, number=1)
    revision.snapshot = {"introduction": "forfalsket"}
    with pytest.raises(ValueError):
        revision.save()
    approval = Approval.objects.filter(agreement=agreement).first()
    approval.capacity = "Someone else"
    with pytest.raises(ValueError):
        approval.save()


class _FormFields(HTMLParser):
    """The change form's fields as the browser would post them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def test_the_admin_change_form_cannot_change_an_agreed_text_nor_delete_it(org, client_for):
    agreement = make_agreement(org, "agreed")
    Agreement.objects.filter(pk=agreement.pk).update(introduction="Den underskrevne indledning.")
    _enrol_mfa(org.admin)
    admin = client_for(org.admin)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    form = admin.get(url)
    assert form.status_code == 200
    parser = _FormFields()
    parser.feed(form.content.decode())
    data = {**parser.data, "introduction": "Ændret i admin under de gamle underskrifter.", "_save": "Gem"}
    response = admin.post(url, data)
    assert response.status_code in (200, 302)
    agreement.refresh_from_db()
    assert agreement.introduction == "Den underskrevne indledning."
    assert agreement.revisions.count() == 1
    assert admin.get(reverse("admin:agreements_agreement_delete", args=[agreement.pk])).status_code == 403


def test_signatures_stay_due_once_the_chair_has_approved(org):
    """The signatures deadline reminds while signing is still to do: in dialogue and approved."""
    import datetime as dt

    from agreements.models import CycleDeadline
    from outbox.models import Email

    agreement = _approved(org)
    CycleDeadline.objects.create(template=agreement.template, kind="signatures_due", due_on=dt.date(2026, 12, 3))
    services.deadline_reminders_due(today=dt.date(2026, 12, 1))
    rows = Email.objects.filter(family=services.DEADLINE_FAMILY, params__agreement=agreement.pk)
    reminded = set(rows.values_list("recipient__email", flat=True))
    assert reminded == {org.leader.email, org.centre_head.email}
