"""The rotation plan: the workplaces furthest below the target first, one click from a
visit time or a planned dialogue meeting."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from tests.coverage.helpers import held
from tests.factories import WorkplaceFactory
from tests.meetings import helpers as meeting_helpers


def suggested(response) -> list[str]:
    return [s.row.name for s in response.context["suggestions"]]


def test_never_met_comes_first_then_the_longest_since_the_last_contact(org, client_for):
    never = WorkplaceFactory(name="Aldrig", committees=[org.committee])
    old = WorkplaceFactory(name="Længe siden", committees=[org.committee])
    older = WorkplaceFactory(name="Endnu længere siden", committees=[org.committee])
    held(host=old, days_ago=400)
    held(host=older, days_ago=600)
    held(host=org.workplace, days_ago=20)  # on target: not suggested
    response = client_for(org.chair).get(reverse("coverage:plan", args=[org.committee.slug]), {"per_month": 1})
    assert suggested(response) == [never.name, older.name, old.name]
    months = [s.month for s in response.context["suggestions"]]
    assert months == sorted(months) and len(set(months)) == 3


def test_a_suggestion_is_one_click_from_a_visit_time_or_a_dialogue_meeting(org, client_for):
    response = client_for(org.chair).get(reverse("coverage:plan", args=[org.committee.slug]))
    [suggestion] = response.context["suggestions"]
    visit = urlparse(suggestion.visit_url)
    assert visit.path == reverse("meetings:visit_times")
    assert parse_qs(visit.query) == {"committee": [org.committee.slug], "workplace": [org.workplace.slug]}
    meeting = urlparse(suggestion.meeting_url)
    assert meeting.path == reverse("meetings:meeting_create")
    assert parse_qs(meeting.query) == {
        "kind": ["dialogue"],
        "committee": [org.committee.slug],
        "host": [org.workplace.slug],
    }
    # Both pages open for the chair with the committee chosen.
    client = client_for(org.chair)
    times = client.get(suggestion.visit_url)
    assert times.status_code == 200
    assert times.context["form"].cleaned_data["workplace"] == org.workplace.slug
    page = client.get(suggestion.meeting_url)
    assert page.status_code == 200
    assert page.context["form"].initial["committee"] == org.committee
    assert page.context["form"].initial["host"] == org.workplace


def test_a_workplace_with_a_meeting_coming_is_not_suggested_again(org, client_for):
    meeting_helpers.meeting(org, days=20)  # a dialogue meeting hosted by Egeskovskolen
    response = client_for(org.chair).get(reverse("coverage:plan", args=[org.committee.slug]))
    assert suggested(response) == []
    assert [row.name for row, _when in response.context["already"]] == ["Egeskovskolen"]


def test_a_centre_head_may_not_plan_a_committees_rotation(org, client_for):
    assert client_for(org.centre_head).get(reverse("coverage:plan", args=[org.committee.slug])).status_code == 404
    assert client_for(org.chair).get(reverse("coverage:plan", args=[org.other_committee.slug])).status_code == 404
