"""The agenda page saves through meetings.services.agenda_save (views never write the ORM):
reorder, add and delete in one post, and a row left without a title keeps everything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import AgendaItem

from .helpers import meeting

pytestmark = pytest.mark.django_db


def _row(prefix: int, item=None, *, title: str, order: int, delete: bool = False) -> dict:
    data = {
        f"agenda_items-{prefix}-id": item.pk if item else "",
        f"agenda_items-{prefix}-meeting": "",
        f"agenda_items-{prefix}-title": title,
        f"agenda_items-{prefix}-presenter": "",
        f"agenda_items-{prefix}-presenter_text": "",
        f"agenda_items-{prefix}-duration_minutes": "",
        f"agenda_items-{prefix}-proposed_by": "organiser",
        f"agenda_items-{prefix}-ORDER": str(order),
    }
    if delete:
        data[f"agenda_items-{prefix}-DELETE"] = "on"
    return data


def _post(client, m, rows: list[dict], initial: int):
    data = {
        "agenda_items-TOTAL_FORMS": str(len(rows)),
        "agenda_items-INITIAL_FORMS": str(initial),
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
    }
    for row in rows:
        data |= row
    return client.post(reverse("meetings:meeting_agenda", args=[m.pk]), data)


def test_reorder_add_and_delete_in_one_save(org, client_for):
    m = meeting(org)
    m.agenda_items.all().delete()
    first = AgendaItem.objects.create(meeting=m, order=1, title="Velkomst")
    second = AgendaItem.objects.create(meeting=m, order=2, title="Rundvisning")
    third = AgendaItem.objects.create(meeting=m, order=3, title="Eventuelt")
    rows = [
        _row(0, first, title="Velkomst", order=2),
        _row(1, second, title="Rundvisning i SFO", order=1),
        _row(2, third, title="Eventuelt", order=3, delete=True),
        _row(3, title="Spørgsmål fra udvalget", order=4),
    ]
    response = _post(client_for(org.chair), m, rows, initial=3)
    assert response.status_code == 302
    assert list(m.agenda_items.order_by("order").values_list("title", "order")) == [
        ("Rundvisning i SFO", 1),
        ("Velkomst", 2),
        ("Spørgsmål fra udvalget", 3),
    ]


def test_an_item_emptied_of_its_title_keeps_the_whole_agenda_as_it_was(org, client_for):
    m = meeting(org)
    m.agenda_items.all().delete()
    first = AgendaItem.objects.create(meeting=m, order=1, title="Velkomst")
    second = AgendaItem.objects.create(meeting=m, order=2, title="Rundvisning")
    rows = [_row(0, first, title="", order=1), _row(1, second, title="Rundvisning", order=2, delete=True)]
    response = _post(client_for(org.chair), m, rows, initial=2)
    assert response.status_code == 400  # the form comes back with its error
    assert list(m.agenda_items.order_by("order").values_list("title", flat=True)) == ["Velkomst", "Rundvisning"]
