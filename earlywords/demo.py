"""Demo: early words in every state — one for formand@ to acknowledge, one acknowledged
by both, one from the centre head about a care centre (seen by its chair and the directors)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import EarlyWord, Recipient
from .services import early_word_acknowledge, early_word_give


def load(context: dict, *, stdout=None) -> None:
    accounts = context["accounts"]
    workplaces = context["workplaces"]
    leader, chair = accounts["leader"], accounts["chair"]
    school = workplaces["egeskovskolen"]
    early_word_give(
        sender=leader,
        workplace_id=school.pk,
        subject="Forældre vil gå til lokalavisen om skolebussen",
        about=(
            "Flere forældre har skrevet i en Facebook-gruppe, at skolebussen i tre uger er kommet "
            "20 minutter for sent om morgenen, og at de vil kontakte lokalavisen."
        ),
        action=(
            "Vi har talt med busselskabet, der sætter en ekstra bus ind fra mandag. Forældrene får et "
            "brev i dag, og vi inviterer forældrerådet til et møde på torsdag."
        ),
        contact_name="Skolens leder",
        contact_phone="58 57 10 00",
    )
    earlier = early_word_give(
        sender=leader,
        workplace_id=school.pk,
        subject="Vandskade i gymnastiksalen",
        about="Et sprunget rør har lukket gymnastiksalen. Idræt flytter til hallen i fire uger.",
        action="Forsikringen er på sagen; forældrene er orienteret på Aula.",
        contact_name="Skolens leder",
        contact_phone="58 57 10 00",
    )
    for recipient in Recipient.objects.filter(early_word=earlier).select_related("person"):
        early_word_acknowledge(early_word=earlier, person=recipient.person)
    # Dates in the past, so the lists read like a few weeks of use.
    EarlyWord.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(days=24))
    Recipient.objects.filter(early_word=earlier).update(
        told_at=timezone.now() - dt.timedelta(days=24), acknowledged_at=timezone.now() - dt.timedelta(days=23)
    )
    if stdout is not None:
        stdout.write(f"  early words: 2 (one waiting for {chair.email})")
