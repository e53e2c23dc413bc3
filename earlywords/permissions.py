"""Who may give, read and acknowledge an early word.

Giving: leaders (for a workplace they lead) and centre heads (for a workplace in their
centre). Reading: the sender, the people told, administrators — nobody else, not even the
rest of the committee. Acknowledging: each person told, once (the transition table in
workflows.py).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from organisation.permissions import is_administrator
from organisation.roles import roles_of
from samspil.access import get_object_for_user

from .models import EarlyWord


@rules.predicate
def may_give_early_word(user) -> bool:
    roles = roles_of(user)
    return bool(roles.led_workplace_ids or roles.headed_centre_ids)


@rules.predicate
def sent_it(user, early_word) -> bool:
    return early_word is not None and early_word.sender_id == user.pk


@rules.predicate
def was_told(user, early_word) -> bool:
    if early_word is None or not user.is_authenticated:
        return False
    return any(recipient.person_id == user.pk for recipient in early_word.recipients.all())


rules.add_perm("earlywords.give_early_word", may_give_early_word)
rules.add_perm("earlywords.view_earlyword", is_administrator | sent_it | was_told)


def early_words_visible_to(user) -> QuerySet[EarlyWord]:
    """The list's rule, the same as the page's."""
    if roles_of(user).is_administrator:
        return EarlyWord.objects.all()
    return EarlyWord.objects.filter(Q(sender=user) | Q(recipients__person=user)).distinct()


def get_early_word_for_user(user, pk: int) -> EarlyWord:
    return get_object_for_user(
        user,
        EarlyWord.objects.select_related("workplace", "sender").prefetch_related("recipients__person"),
        view_perm="earlywords.view_earlyword",
        pk=pk,
    )
