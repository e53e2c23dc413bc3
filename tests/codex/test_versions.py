"""Versions: drafted, previewed and published by administrators; frozen once published."""

from __future__ import annotations

import pytest
from django.urls import reverse

from codex import services
from codex.models import CodePoint, CodeVersion, CurrentCode, DilemmaCase, ImmutableError, ReminderRound, sha256_hex

from .helpers import enrol_totp, publish_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org, client_for):
    enrol_totp(org.admin)
    return client_for(org.admin)


def test_an_administrator_writes_previews_and_publishes_a_version(org, admin_client):
    response = admin_client.post(reverse("codex:version_create"))
    draft = CodeVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("codex:version_edit", args=[draft.pk])
    data = {
        "title": "Kodeks for samspil",
        "audience": "politicians",
        "preamble": "Vi mødes med tillid.",
        "points-TOTAL_FORMS": "2",
        "points-INITIAL_FORMS": "0",
        "points-0-kind": "duty",
        "points-0-position": "1",
        "points-0-title": "Sandhed",
        "points-0-explanation": "Vi siger, hvad der er rigtigt.",
        "points-1-kind": "value",
        "points-1-position": "1",
        "points-1-title": "Modig",
        "points-1-explanation": "Vi tør spørge.",
        "dilemmas-TOTAL_FORMS": "1",
        "dilemmas-INITIAL_FORMS": "0",
        "dilemmas-0-position": "1",
        "dilemmas-0-title": "En enkeltsag",
        "dilemmas-0-situation": "En politiker spørger til en borger.",
        "dilemmas-0-discussion": "Enkeltsager hører ikke hjemme her.",
        "preview": "1",
    }
    response = admin_client.post(reverse("codex:version_edit", args=[draft.pk]), data)
    assert response["Location"] == reverse("codex:version_preview", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.updated_by == org.admin
    preview = admin_client.get(reverse("codex:version_preview", args=[draft.pk]))
    assert "Sandhed" in preview.content.decode() and "En enkeltsag" in preview.content.decode()

    response = admin_client.post(reverse("codex:version_publish", args=[draft.pk]))
    assert response["Location"] == reverse("codex:version_progress", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == org.admin
    assert draft.text_sha256 == sha256_hex(draft.canonical_text)
    assert "1. Sandhed: Vi siger, hvad der er rigtigt." in draft.canonical_text
    assert CurrentCode.objects.get(audience="politicians").version == draft
    assert not CurrentCode.objects.filter(audience="employees").exists()
    assert ReminderRound.objects.filter(version=draft, number=0).exists()


def test_a_draft_keeps_what_was_typed_and_names_the_missing_field(org, admin_client):
    draft = services.version_create_draft(created_by=org.admin)
    data = {
        "title": "Mit udkast",
        "audience": "both",
        "preamble": "",
        "points-TOTAL_FORMS": "1",
        "points-INITIAL_FORMS": "0",
        "points-0-kind": "duty",
        "points-0-position": "1",
        "points-0-title": "Sandhed",
        "points-0-explanation": "",
        "dilemmas-TOTAL_FORMS": "0",
        "dilemmas-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("codex:version_edit", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mit udkast" in html and 'value="Sandhed"' in html
    assert response.context["form"].errors["preamble"]
    assert response.context["points"].forms[0].errors["explanation"]


def test_a_version_without_duties_is_not_published(org, admin_client):
    draft = services.version_create_draft(created_by=org.admin, title="Tom", preamble="x")
    admin_client.post(reverse("codex:version_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.published_at is None


def test_exactly_one_version_is_current_per_audience(org):
    v1 = publish_version(org.admin, audience="both")
    v2 = publish_version(org.admin, audience="politicians")
    assert CurrentCode.objects.get(audience="politicians").version == v2
    assert CurrentCode.objects.get(audience="employees").version == v1
    v3 = publish_version(org.admin, audience="both")
    assert {row.audience: row.version for row in CurrentCode.objects.all()} == {"politicians": v3, "employees": v3}
    # Older versions stay readable by everyone.
    assert v1.get_absolute_url() and CodeVersion.objects.published().count() == 3


def test_publishing_twice_is_refused(org):
    version = publish_version(org.admin)
    with pytest.raises(services.CodexError):
        services.version_publish(version=version, published_by=org.admin)


def test_a_published_version_and_its_parts_never_change(org):
    version = publish_version(org.admin)
    version.title = "Changed"
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        CodeVersion.objects.filter(pk=version.pk).update(title="Changed")
    with pytest.raises(ImmutableError):
        CodeVersion.objects.filter(pk=version.pk).delete()
    point = version.points.first()
    point.title = "Changed"
    with pytest.raises(ImmutableError):
        point.save()
    with pytest.raises(ImmutableError):
        CodePoint.objects.filter(version=version).update(title="Changed")
    with pytest.raises(ImmutableError):
        DilemmaCase.objects.filter(version=version).delete()
    with pytest.raises(ImmutableError):
        CodePoint.objects.create(version=version, kind="duty", title="Sneaked in", explanation="x")
    version.refresh_from_db()
    assert version.title != "Changed" and version.points.count() == 3


def test_the_edit_page_of_a_published_version_sends_you_to_read_it(org, admin_client):
    version = publish_version(org.admin)
    response = admin_client.get(reverse("codex:version_edit", args=[version.pk]))
    assert response["Location"] == version.get_absolute_url()


def test_a_new_draft_copies_the_latest_version(org, admin_client):
    version = publish_version(org.admin)
    admin_client.post(reverse("codex:version_create"), {"source": version.pk})
    draft = CodeVersion.objects.drafts().get()
    assert draft.number == version.number + 1
    assert list(draft.points.values_list("title", flat=True)) == list(version.points.values_list("title", flat=True))
    assert draft.dilemmas.count() == 1


def test_administrator_pages_require_a_second_factor(org, client_for):
    from tests.conftest import without_second_factor

    response = without_second_factor(client_for(org.admin)).get(reverse("codex:admin"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_the_progress_bar_is_a_progress_element_the_page_polls(org, admin_client):
    version = publish_version(org.admin)
    services.reminder_round_fan_out(round_id=version.reminder_rounds.get().pk)
    page = admin_client.get(reverse("codex:version_progress", args=[version.pk]))
    assert "<progress" in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    partial = admin_client.get(reverse("codex:version_progress", args=[version.pk]), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="codex-progress"') and "<progress" in html
    assert "style=" not in html
