"""Issue 18.4, "a code of rules of play, not a roll call": names of people who have not
signed are seen only by administrators and by the person's own leader or chair;
everyone else sees the shares per group — on the page and in the CSV alike."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from .helpers import publish_version, sign
from .test_register import add_signed_employees

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


@pytest.mark.parametrize(
    "who", ["member", "employee", "union_rep", "med_contact", "centre_head", "director", "other_member"]
)
def test_colleagues_see_the_shares_per_group_and_no_names(org, client_for, who):
    version = publish_version(org.admin)
    sign(org.leader, version)
    response = client_for(getattr(org, who)).get(reverse("codex:register"), {"status": "unsigned"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["page"] is None
    # Nobody is named, signed or not, and there is no "not signed" filter or badge.
    for person in (org.chair, org.member, org.leader, org.employee, org.union_rep):
        assert person.full_name not in html.replace(getattr(org, who).full_name, "") or person == getattr(org, who)
    assert 'name="status"' not in html and "Ikke underskrevet" not in html and "Not signed" not in html
    assert "codex-shares-only" in html
    assert response.context["shares"], "the shares per group are shown"


def test_a_member_sees_the_shares_of_their_committee(org, client_for):
    version = publish_version(org.admin)
    sign(org.member, version)
    response = client_for(org.member).get(reverse("codex:register"))
    shares = {row["role"]: (row["signed"], row["total"]) for row in response.context["shares"]}
    assert shares == {"committee_chair": (0, 1), "committee_member": (1, 1)}
    html = response.content.decode()
    assert org.chair.full_name not in html


def test_a_leader_sees_the_names_of_their_own_staff_and_only_them(org, client_for):
    version = publish_version(org.admin)
    sign(org.employee, version)
    response = client_for(org.leader).get(reverse("codex:register"), {"status": "unsigned"})
    html = response.content.decode()
    assert {row.person_id for row in response.context["page"]} == {org.leader.pk, org.union_rep.pk, org.med_contact.pk}
    assert org.union_rep.full_name in html and "Ikke underskrevet" in html
    assert org.member.full_name not in html and org.other_leader.full_name not in html
    assert response.context["unsigned_count"] == 3


def test_a_chair_sees_the_names_of_their_committee_and_not_of_staff(org, client_for):
    publish_version(org.admin)
    response = client_for(org.chair).get(reverse("codex:register"), {"status": "unsigned"})
    assert {row.person_id for row in response.context["page"]} == {org.chair.pk, org.member.pk}
    html = response.content.decode()
    assert org.member.full_name in html and org.employee.full_name not in html
    assert org.other_member.full_name not in html


def test_an_administrator_sees_every_name(org, client_for):
    publish_version(org.admin)
    response = client_for(org.admin).get(reverse("codex:register"), {"status": "unsigned"})
    named = {row.person_id for row in response.context["page"]}
    assert {org.member.pk, org.employee.pk, org.other_leader.pk, org.director.pk} <= named


def test_the_csv_follows_the_same_rule(org, client_for):
    version = publish_version(org.admin)
    sign(org.member, version)
    # A member: the shares per group, no name, no email.
    rows = csv_rows(client_for(org.member).get(reverse("codex:register_csv"), {"status": "unsigned"}))
    flat = ";".join(";".join(row) for row in rows)
    assert rows[0] == ["Gruppe", "Underskrevet", "Berørt", "Andel (%)"]
    assert ["Udvalgsmedlemmer", "1", "1", "100"] in rows
    assert org.chair.full_name not in flat and "@" not in flat
    # A leader: their own staff by name, nobody else.
    rows = csv_rows(client_for(org.leader).get(reverse("codex:register_csv")))
    assert {row[1] for row in rows[1:]} == {
        org.leader.email,
        org.employee.email,
        org.union_rep.email,
        org.med_contact.email,
    }
    # A chair: their committee's members.
    rows = csv_rows(client_for(org.chair).get(reverse("codex:register_csv")))
    assert {row[1] for row in rows[1:]} == {org.chair.email, org.member.email}


LEADER_QUERIES = 9  # as the administrator's page (test_register), with the leader's own count instead of the cached one
SHARES_ONLY_QUERIES = 7  # no page of rows and no count of them


def test_the_leaders_and_the_members_pages_run_the_same_queries_at_two_sizes(
    org, client_for, django_assert_max_num_queries
):
    version = publish_version(org.admin)
    leader, member = client_for(org.leader), client_for(org.member)
    add_signed_employees(org, version, 5)
    with django_assert_max_num_queries(LEADER_QUERIES):
        assert leader.get(reverse("codex:register")).status_code == 200
    with django_assert_max_num_queries(SHARES_ONLY_QUERIES):
        assert member.get(reverse("codex:register")).status_code == 200
    add_signed_employees(org, version, 500, start=5)
    with django_assert_max_num_queries(LEADER_QUERIES):
        page = leader.get(reverse("codex:register")).context["page"]
    assert page.paginator.count == 4 + 505  # leader, employee, union rep, MED contact and the new ones
    with django_assert_max_num_queries(SHARES_ONLY_QUERIES):
        assert member.get(reverse("codex:register")).status_code == 200


# --- Signing again: what changed since the version I signed ----------------------------


def test_signing_again_shows_what_changed_since_the_version_i_signed_side_by_side(
    org, client_for, django_assert_max_num_queries
):
    v1 = publish_version(org.admin, title="Kodeks", duties=("Sandhed", "Faglighed"))
    sign(org.member, v1)
    v2 = publish_version(org.admin, title="Kodeks for samspil", duties=("Sandhed", "Åbenhed"))
    client = client_for(org.member)
    client.get(reverse("codex:home"))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("codex:home"))
    [item] = response.context["items"]
    assert item["previous"] == v1 and item["version"] == v2
    rows = {(row["section"], row["tag"]): row for row in item["changes"]}
    title = rows[("Titel", "replace")]
    assert str(title["left"]) == "Kodeks" and str(title["right"]) == "Kodeks <ins>for samspil</ins>"
    duty = rows[("Pligter", "replace")]
    assert "<del>Faglighed: Faglighed</del>" in duty["left"] and "<ins>Åbenhed: Åbenhed</ins>" in duty["right"]
    assert all("Sandhed" not in row["left"] for row in item["changes"])  # unchanged lines are left out
    html = response.content.decode()
    assert "Det er ændret siden version 1, som du skrev under på" in html
    assert "<ins>Åbenhed: Åbenhed</ins>" in html and 'class="table table-sm codex-diff"' in html
    # The diff escapes what an administrator wrote.
    assert "<script" not in "".join(str(row["right"]) for row in item["changes"])


def test_the_diff_is_shown_only_to_those_who_signed_an_earlier_version(org, client_for):
    v1 = publish_version(org.admin)
    sign(org.member, v1)
    publish_version(org.admin, duties=("Sandhed",))
    # The chair never signed: the code to read, no diff.
    [item] = client_for(org.chair).get(reverse("codex:home")).context["items"]
    assert (
        item["previous"] is None
        and "codex-diff" not in client_for(org.chair).get(reverse("codex:home")).content.decode()
    )
    # Once the member signs version 2, the diff is gone.
    v2 = publish_version(org.admin, duties=("Sandhed", "Mod"))
    sign(org.member, v2)
    [item] = client_for(org.member).get(reverse("codex:home")).context["items"]
    assert item["due"].signed and item["previous"] is None


def test_a_diff_escapes_markup_in_the_text(org, client_for):
    v1 = publish_version(org.admin)
    sign(org.member, v1)
    publish_version(org.admin, duties=("Sandhed", "<script>alert(1)</script>"))
    html = client_for(org.member).get(reverse("codex:home")).content.decode()
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;:" in html and "<script>alert(1)" not in html
