"""What the code register holds about a person (accounts/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts import privacy


def _export(person) -> list[dict]:
    from .models import Signature

    return privacy.rows(
        Signature.objects.filter(person=person).order_by("sequence"),
        "version__number",
        "version__title",
        "signed_at",
        "identity__person_name",
        "identity__person_email",
        "identity__roles",
        "text_sha256",
    )


def _erase(person) -> None:
    """Signatures are never deleted (the register must prove it is complete): the
    signature rows stay in the hash chain and keep counting, but the identity rows that
    say who signed (name, email, roles then) are deleted for real. See models.Signature."""
    from django.db import connection, transaction

    from .models import SignatureIdentity
    from .selectors import register_counts_changed

    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # The identity rows refuse DELETE (trigger, migration 0006) except inside a
            # transaction that says it is an erasure. Transaction-local, and switched off
            # again right after, in case the caller's transaction goes on to do more (a
            # failed delete rolls the savepoint back, and the setting with it).
            cursor.execute("SELECT set_config('samspil.codex_erasure', 'on', true)")
        SignatureIdentity.objects.filter(signature__person=person).delete()
        if postgres:
            cursor.execute("SELECT set_config('samspil.codex_erasure', 'off', true)")
    # The register's cached counts (selectors.register_counts) show the erasure at once:
    # now, and again after the commit, so a view that counted in between is not kept.
    register_counts_changed()
    transaction.on_commit(register_counts_changed)


def register() -> None:
    privacy.register("code_signatures", _("Your signatures of the code of conduct"), export=_export, erase=_erase)
