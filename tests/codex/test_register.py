"""The register: who signed the current version, shares per group, CSV, public figures,
self-evaluation — each page a fixed number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from codex.models import SelfEvaluation, Signature, SignatureIdentity
from organisation.models import Membership, Role
from tests.factories import UserFactory, grant

from .helpers import publish_version, sign

pytestmark = pytest.mark.django_db
User = get_user_model()


def add_signed_employees(org, version, count: int, *, start: int = 0) -> None:
    """`count` employees of the workplace who have all signed `version` (bulk, for size)."""
    people = User.objects.bulk_create(
        User(email=f"bulk{start + i}@test.example", full_name=f"Bulk {start + i}", password="!") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(person=p, role=Role.EMPLOYEE, workplace=org.workplace, starts_on=timezone.localdate())
        for p in people
    )
    now = timezone.now()
    signatures = Signature.objects.bulk_create(
        Signature(
            sequence=10_000_000 + start + i,
            person=p,
            version=version,
            signed_at=now,
            signer_digest=f"d{start + i:063d}",
            text_sha256=version.text_sha256,
            previous_hash=f"p{start + i:063d}",
            hash=f"h{start + i:063d}",
        )
        for i, p in enumerate(people)
    )
    SignatureIdentity.objects.bulk_create(
        SignatureIdentity(signature=s, salt="0" * 32, person_name=s.person.full_name, person_email=s.person.email)
        for s in signatures
    )


# The register's queries: 1 user with their roles (session from cache), 2 current codes
# with the newest membership and signature ids (the counts' cache key), today's electoral
# term and the filter lists' data version, 3 shares (GROUP BY role with EXISTS), 4
# anonymised signatures, 5 the page of rows (a signed-at probe per row, people joined, unit
# names as subqueries), 6 committees and centres for the filters (the workplaces only once a
# centre or a workplace is chosen). With the counts cached, 3 and 4 are not run; with the
# filter lists kept under their data version (selectors.register_filter_units), 6 is not.
REGISTER_QUERIES = 6
REGISTER_QUERIES_LISTS_KEPT = 5
REGISTER_QUERIES_CACHED = 3


def test_the_register_runs_the_same_queries_with_10_and_10000_signatures(org, client_for, django_assert_num_queries):
    version = publish_version(org.admin)
    client = client_for(org.admin)
    add_signed_employees(org, version, 10)
    with django_assert_num_queries(REGISTER_QUERIES):
        small = client.get(reverse("codex:register"))
    add_signed_employees(org, version, 9_990, start=10)
    with django_assert_num_queries(REGISTER_QUERIES_LISTS_KEPT):
        large = client.get(reverse("codex:register"))
    with django_assert_num_queries(REGISTER_QUERIES_CACHED):
        again = client.get(reverse("codex:register"))
    assert again.context["shares"] == large.context["shares"]
    assert small.status_code == large.status_code == 200
    employees = {row["role"]: row for row in large.context["shares"]}["employee"]
    assert (employees["signed"], employees["total"]) == (10_000, 10_001)
    assert large.context["page"].paginator.count > 10_000


def test_the_register_shows_who_signed_and_the_share_per_group(org, client_for):
    version = publish_version(org.admin)
    sign(org.member, version)
    sign(org.leader, version)
    response = client_for(org.admin).get(reverse("codex:register"))
    shares = {row["role"]: (row["signed"], row["total"]) for row in response.context["shares"]}
    assert shares["committee_member"] == (1, 2)
    assert shares["workplace_leader"] == (1, 2)
    assert shares["committee_chair"] == (0, 1)
    html = response.content.decode()
    assert "1 of 2" in html or "1 af 2" in html
    signed = {row.person_id for row in response.context["page"] if row.has_signed}
    assert signed == {org.member.pk, org.leader.pk}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"committee": "born-og-unge"}, {"chair", "member"}),
        ({"workplace": "egeskovskolen"}, {"leader", "employee", "union_rep", "med_contact"}),
        ({"centre": "skoler"}, {"leader", "employee", "union_rep", "med_contact", "centre_head"}),
        ({"role": "workplace_leader"}, {"leader", "other_leader"}),
        ({"committee": "born-og-unge", "status": "signed"}, {"member"}),
        ({"committee": "born-og-unge", "status": "unsigned"}, {"chair"}),
    ],
)
def test_the_register_filters_by_committee_centre_workplace_role_and_status(org, client_for, filters, expected):
    version = publish_version(org.admin)
    sign(org.member, version)
    response = client_for(org.admin).get(reverse("codex:register"), filters)
    names = {row.person.email.split("@")[0] for row in response.context["page"]}
    assert names == expected


def test_a_leader_sees_only_their_own_workplace_in_the_register(org, client_for):
    publish_version(org.admin)
    response = client_for(org.leader).get(reverse("codex:register"))
    assert {row.person_id for row in response.context["page"]} == {
        org.leader.pk,
        org.employee.pk,
        org.union_rep.pk,
        org.med_contact.pk,
    }


def test_a_person_without_roles_sees_an_empty_register(org, client_for):
    publish_version(org.admin)
    response = client_for(org.nobody).get(reverse("codex:register"))
    assert response.context["page"] is None and response.context["shares"] == []
    assert "empty-state" in response.content.decode()


def test_the_csv_export_neutralises_formulas(org, client_for):
    version = publish_version(org.admin)
    evil = grant(UserFactory(full_name='=HYPERLINK("http://x")'), Role.EMPLOYEE, workplace=org.workplace).person
    plus = grant(UserFactory(full_name="+45 call me"), Role.EMPLOYEE, workplace=org.workplace).person
    sign(evil, version)
    response = client_for(org.admin).get(reverse("codex:register_csv"), {"workplace": "egeskovskolen"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names and "'+45 call me" in names
    assert not any(row[0][:1] in "=+-@" for row in rows[1:])
    assert plus.pk and len(rows) == 1 + 6  # header + leader, employee, union rep, MED contact, two new


def test_the_public_page_shows_the_code_and_figures_without_names(org, client):
    version = publish_version(org.admin)
    sign(org.member, version)
    response = client.get(reverse("codex:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sandhed" in html
    assert org.member.full_name not in html and org.member.email not in html
    figures = {row["role"]: (row["signed"], row["total"]) for row in response.context["figures"]}
    assert figures["committee_member"] == (1, 2)


def test_the_public_page_without_a_code_says_so(db, client):
    response = client.get(reverse("codex:public"))
    assert response.status_code == 200 and "empty-state" in response.content.decode()


def test_my_signing_history_lists_every_version_i_signed(org, client_for):
    v1 = publish_version(org.admin)
    sign(org.member, v1)
    v2 = publish_version(org.admin)
    sign(org.member, v2)
    response = client_for(org.member).get(reverse("codex:my_signatures"))
    assert [s.version for s in response.context["signatures"]] == [v2, v1]


def test_a_committee_rates_itself_and_sees_its_answers_over_time(org, client_for):
    version = publish_version(org.admin, audience="both")
    client = client_for(org.chair)
    url = reverse("codex:evaluation_committee", args=[org.committee.slug])
    empty = client.get(url)
    assert "empty-state" in empty.content.decode()
    form = empty.context["form"]
    answers = {name: "4" for _, _, name in form.questions}
    missing = dict(answers)
    missing.pop(next(iter(missing)))
    response = client.post(url, {**missing, "note": "Vi arbejder med åbenhed"})
    assert response.status_code == 400 and not SelfEvaluation.objects.exists()
    assert "Vi arbejder med åbenhed" in response.content.decode()  # nothing typed is lost
    client.post(url, {**answers, "note": "Første runde"})
    client.post(url, {**{k: "5" for k in answers}, "note": "Anden runde"})
    page = client.get(url)
    html = page.content.decode()
    assert SelfEvaluation.objects.filter(committee=org.committee, version=version).count() == 2
    assert "<svg" in html and "<polyline" in html and "<table" in html
    assert [float(e.average) for e in page.context["history"]] == [4.0, 5.0]


def test_the_shares_ignore_the_status_filter(org, client_for):
    version = publish_version(org.admin)
    sign(org.member, version)
    response = client_for(org.admin).get(reverse("codex:register"), {"status": "unsigned"})
    shares = {row["role"]: (row["signed"], row["total"]) for row in response.context["shares"]}
    assert shares["committee_member"] == (1, 2)


def test_the_filter_lists_are_kept_until_a_committee_or_centre_changes(org, client_for, django_assert_num_queries):
    from organisation.models import Centre, Committee

    publish_version(org.admin)
    client = client_for(org.admin)
    url = reverse("codex:register")
    client.get(url)

    def options(response) -> tuple[str, str]:
        return str(response.context["committee_options"]), str(response.context["centre_options"])

    with django_assert_num_queries(REGISTER_QUERIES_CACHED):
        kept = options(client.get(url))
    assert "Børne- og Ungeudvalget" in kept[0] and "Center for Skoler" in kept[1]
    # Each write to what the lists read moves the version: the next page reads them again.
    Committee.objects.filter(pk=org.committee.pk).update(name="Børne- og Skoleudvalget")
    with django_assert_num_queries(REGISTER_QUERIES_CACHED + 1):
        renamed = options(client.get(url))
    assert "Børne- og Skoleudvalget" in renamed[0] and "Børne- og Ungeudvalget" not in renamed[0]
    Committee.objects.filter(pk=org.other_committee.pk).update(is_active=False)
    Centre.objects.create(name="Center for Kultur", slug="kultur")
    closed, added = options(client.get(url))
    assert "Teknik- og Miljøudvalget" not in closed and "Center for Kultur" in added
    with django_assert_num_queries(REGISTER_QUERIES_CACHED):
        assert options(client.get(url)) == (closed, added)
