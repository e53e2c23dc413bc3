"""The early word in "Your data", in erasure and in the retention purge."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import privacy

from .models import EarlyWord, Recipient
from .services import early_words_delete_older_than


def _export(person):
    given = privacy.rows(EarlyWord.objects.filter(sender=person), "subject", "workplace__name", "created_at")
    return given


def _export_told(person):
    return privacy.rows(
        Recipient.objects.filter(person=person), "early_word__subject", "capacity", "told_at", "acknowledged_at"
    )


def _erase(person) -> None:
    # What the person was told goes; a word they gave stays for its readers, without them.
    Recipient.objects.filter(person=person).delete()
    EarlyWord.objects.filter(sender=person).update(sender=None)


def register() -> None:
    privacy.register("early_words_given", _("Early words you gave"), export=_export, erase=_erase)
    privacy.register("early_words_told", _("Early words told to you"), export=_export_told)
    privacy.register_retention("early_words", _("Early words before the press"), purge=early_words_delete_older_than)
