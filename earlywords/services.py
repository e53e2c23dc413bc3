"""Giving and acknowledging an early word; deleting them after their retention."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Membership, Role, Workplace
from organisation.roles import roles_of
from outbox.services import enqueue
from samspil.errors import ServiceError

from .models import EarlyWord, Recipient
from .workflows import RECIPIENT

# A Danish personal identification number (CPR): ddmmyy, an optional dash or space, four
# digits — with a real day and month, so phone numbers and case numbers pass.
CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[- ]?\d{4}(?!\d)")
TEXT_FIELDS = ("subject", "about", "action", "contact_name")


def contains_cpr_number(text: str) -> bool:
    return bool(CPR.search(text or ""))


def workplaces_to_give_for(user):
    """Leaders give for the workplaces they lead, centre heads for their centres' workplaces."""
    roles = roles_of(user)
    return Workplace.objects.filter(is_active=True).filter(
        Q(pk__in=roles.led_workplace_ids) | Q(centre_id__in=roles.headed_centre_ids)
    )


def people_to_tell(workplace: Workplace, *, sender) -> list[tuple[object, str]]:
    """The chairs of the committees responsible for the workplace, then the directors."""
    today = timezone.localdate()
    current = Membership.objects.current(today).exclude(person=sender).filter(person__is_active=True)
    chairs = current.filter(role=Role.COMMITTEE_CHAIR, committee__in=workplace.committees.all())
    directors = current.filter(role=Role.DIRECTOR)
    User = get_user_model()
    told: dict[int, str] = {}
    for person_id in chairs.values_list("person_id", flat=True):
        told.setdefault(person_id, Recipient.Capacity.CHAIR)
    for person_id in directors.values_list("person_id", flat=True):
        told.setdefault(person_id, Recipient.Capacity.DIRECTOR)
    people = User.objects.in_bulk(list(told))
    return [(people[pk], capacity) for pk, capacity in told.items() if pk in people]


def early_word_give(
    *,
    sender,
    workplace_id: int,
    subject: str,
    about: str,
    action: str,
    contact_name: str,
    contact_phone: str,
) -> EarlyWord:
    if not workplaces_to_give_for(sender).filter(pk=workplace_id).exists():
        raise PermissionDenied("earlywords.give")
    values = {"subject": subject, "about": about, "action": action, "contact_name": contact_name}
    for field, text in values.items():
        if contains_cpr_number(text):
            raise ServiceError(
                _(
                    "Remove the personal identification number (CPR number). An early word is about the "
                    "matter, not about persons: write no names, numbers or other details of citizens or staff."
                ),
                field=field,
                code="personal_data",
            )
    workplace = Workplace.objects.get(pk=workplace_id)
    people = people_to_tell(workplace, sender=sender)
    if not people:
        raise ServiceError(
            _("Nobody can be told: the workplace's committees have no chair and there is no director."),
            code="nobody_to_tell",
        )
    with transaction.atomic():
        early_word = EarlyWord.objects.create(
            sender=sender,
            workplace=workplace,
            subject=subject.strip(),
            about=about.strip(),
            action=action.strip(),
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
        )
        Recipient.objects.bulk_create(
            [Recipient(early_word=early_word, person=person, capacity=capacity) for person, capacity in people]
        )
        for person, _capacity in people:
            enqueue(
                family="earlywords.told",
                key=f"earlyword:{early_word.pk}:told:{person.pk}",
                recipient=person,
                params={"early_word": early_word.pk},
            )
    return early_word


def early_word_acknowledge(*, early_word: EarlyWord, person) -> Recipient:
    recipient = Recipient.objects.filter(early_word=early_word, person=person).first()
    if recipient is None:
        raise PermissionDenied("earlywords.acknowledge")
    with transaction.atomic():
        RECIPIENT.apply(recipient, "acknowledge", person, acknowledged_at=timezone.now())
        if early_word.sender_id:
            enqueue(
                family="earlywords.acknowledged",
                key=f"earlyword:{early_word.pk}:acknowledged:{person.pk}",
                recipient=early_word.sender_id,
                params={"early_word": early_word.pk, "by": person.pk},
            )
    return recipient


def retention() -> dt.timedelta:
    return dt.timedelta(days=settings.RETENTION_DAYS["early_words"])


def early_words_delete_older_than(cutoff: dt.datetime) -> int:
    """Delete for real every early word given before `cutoff` (with who was told); run
    daily by the privacy purge (accounts/privacy.py, RETENTION_DAYS["early_words"])."""
    deleted, _by_model = EarlyWord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
