"""Factories and the fixed cast of roles every access test uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from organisation.models import Centre, Committee, Membership, Role, Workplace, WorkplaceKind

User = get_user_model()
PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Faker("name", locale="da_DK")
    password = factory.django.Password(PASSWORD)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Udvalg {n}")
    slug = factory.Sequence(lambda n: f"udvalg-{n}")


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Center {n}")
    slug = factory.Sequence(lambda n: f"center-{n}")


def school_kind() -> WorkplaceKind:
    return WorkplaceKind.objects.get_or_create(slug="skole", defaults={"name": "Skole", "name_en": "School"})[0]


class WorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplace
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Virksomhed {n}")
    slug = factory.Sequence(lambda n: f"virksomhed-{n}")
    kind = factory.LazyFunction(school_kind)
    address = "Skolevej 1"
    postcode = "4200"
    city = "Bølgeby"

    @factory.post_generation
    def committees(self, create, extracted, **kwargs):
        if create and extracted:
            self.committees.set(extracted)


def grant(person, role: Role, *, starts_on: dt.date | None = None, ends_on: dt.date | None = None, **unit):
    return Membership.objects.create(
        person=person,
        role=role,
        starts_on=starts_on or timezone.localdate() - dt.timedelta(days=30),
        ends_on=ends_on,
        **unit,
    )


@dataclass
class Org:
    committee: Committee
    other_committee: Committee
    centre: Centre
    workplace: Workplace
    other_workplace: Workplace
    admin: User
    director: User
    chair: User
    member: User
    leader: User
    employee: User
    union_rep: User
    med_contact: User  # the workplace's MED contact (organisation.Role.MED_CONTACT)
    centre_head: User
    other_leader: User  # leads another workplace, of another committee
    other_member: User  # sits on another committee
    nobody: User  # an account with no role at all

    @property
    def roles(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "admin": self.admin,
            "director": self.director,
            "chair": self.chair,
            "member": self.member,
            "leader": self.leader,
            "employee": self.employee,
            "union_rep": self.union_rep,
            "med_contact": self.med_contact,
            "centre_head": self.centre_head,
            "other_leader": self.other_leader,
            "other_member": self.other_member,
            "nobody": self.nobody,
        }


def build_org() -> Org:
    committee = CommitteeFactory(name="Børne- og Ungeudvalget", slug="born-og-unge")
    other_committee = CommitteeFactory(name="Teknik- og Miljøudvalget", slug="teknik-og-miljo")
    centre = CentreFactory(name="Center for Skoler", slug="skoler")
    other_centre = CentreFactory(name="Center for Teknik", slug="teknik")
    workplace = WorkplaceFactory(name="Egeskovskolen", slug="egeskovskolen", centre=centre, committees=[committee])
    other_workplace = WorkplaceFactory(
        name="Vej og Park", slug="vej-og-park", centre=other_centre, committees=[other_committee]
    )
    people = {
        name: UserFactory(email=f"{name}@test.example", full_name=name.replace("_", " ").title())
        for name in (
            "admin",
            "director",
            "chair",
            "member",
            "leader",
            "employee",
            "union_rep",
            "med_contact",
            "centre_head",
            "other_leader",
            "other_member",
            "nobody",
        )
    }
    grant(people["admin"], Role.ADMINISTRATOR)
    grant(people["director"], Role.DIRECTOR)
    grant(people["chair"], Role.COMMITTEE_CHAIR, committee=committee)
    grant(people["member"], Role.COMMITTEE_MEMBER, committee=committee)
    grant(people["leader"], Role.WORKPLACE_LEADER, workplace=workplace)
    grant(people["employee"], Role.EMPLOYEE, workplace=workplace)
    grant(people["union_rep"], Role.UNION_REP, workplace=workplace)
    grant(people["med_contact"], Role.MED_CONTACT, workplace=workplace)
    grant(people["centre_head"], Role.CENTRE_HEAD, centre=centre)
    grant(people["other_leader"], Role.WORKPLACE_LEADER, workplace=other_workplace)
    grant(people["other_member"], Role.COMMITTEE_MEMBER, committee=other_committee)
    return Org(
        committee=committee,
        other_committee=other_committee,
        centre=centre,
        workplace=workplace,
        other_workplace=other_workplace,
        **people,
    )
