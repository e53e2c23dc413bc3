"""Addresses spell æ, ø, å as ae, oe, aa, and the old addresses keep working."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from organisation.models import SlugAlias, Workplace
from organisation.slugs import danish_slugify
from tests.factories import WorkplaceFactory

pytestmark = pytest.mark.django_db


def test_danish_letters_are_transliterated_not_dropped():
    assert danish_slugify("Børnehuset Solsikken") == "boernehuset-solsikken"
    assert danish_slugify("Vuggestuen Mælkebøtten") == "vuggestuen-maelkeboetten"
    assert danish_slugify("Ålholm Plejecenter") == "aalholm-plejecenter"


def test_the_migration_renames_made_slugs_and_keeps_chosen_ones():
    made = WorkplaceFactory(name="Vuggestuen Mælkebøtten", slug="vuggestuen-mlkebtten")
    chosen = WorkplaceFactory(name="Børnehuset Solsikken", slug="solsikken")
    import_module("organisation.migrations.0004_danish_letters_in_slugs").forward(apps, None)
    made.refresh_from_db()
    chosen.refresh_from_db()
    assert made.slug == "vuggestuen-maelkeboetten"
    assert chosen.slug == "solsikken"
    assert SlugAlias.objects.get(old="vuggestuen-mlkebtten").new == "vuggestuen-maelkeboetten"
    import_module("organisation.migrations.0004_danish_letters_in_slugs").backward(apps, None)
    made.refresh_from_db()
    assert made.slug == "vuggestuen-mlkebtten" and not SlugAlias.objects.exists()


def test_an_old_address_redirects_to_the_new_one(org, client_for):
    workplace = WorkplaceFactory(name="Børnehuset Solsikken", slug="boernehuset-solsikken")
    SlugAlias.objects.create(old="brnehuset-solsikken", new="boernehuset-solsikken")
    client = client_for(org.member)
    old = reverse("organisation:workplace", args=["brnehuset-solsikken"])
    response = client.get(old + "?tab=moeder")
    assert response.status_code == 301
    assert response["Location"] == reverse("organisation:workplace", args=[workplace.slug]) + "?tab=moeder"
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_address_is_still_a_404(org, client_for):
    response = client_for(org.member).get(reverse("organisation:workplace", args=["findes-ikke"]))
    assert response.status_code == 404


def test_an_imported_workplace_gets_a_transliterated_address(db):
    from organisation.importer import import_rows, read_rows
    from tests.factories import CommitteeFactory

    CommitteeFactory(name="Børne- og Ungeudvalget", short_name="BUU", slug="buu")
    rows = read_rows("navn;type;udvalg\nFritidshjemmet Æblehaven;dagtilbud;BUU\n".encode(), "virksomheder.csv")
    result = import_rows(kind="workplaces", rows=rows)
    assert result.ok, result.errors
    assert Workplace.objects.get(name="Fritidshjemmet Æblehaven").slug == "fritidshjemmet-aeblehaven"
