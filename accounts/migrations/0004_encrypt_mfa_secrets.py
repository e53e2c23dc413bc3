"""TOTP secrets and recovery-code seeds, stored in clear by allauth until now, are encrypted
with MFA_ENCRYPTION_KEY (accounts.adapters.EncryptingMFAAdapter). Reversible: backwards
decrypts them again, for a rollback to code that reads them in clear."""

from django.db import migrations

# The secret fields of allauth's Authenticator.data, by authenticator type.
SECRET_FIELDS = {"totp": ["secret"], "recovery_codes": ["seed"]}


def _convert(apps, encrypting: bool) -> None:
    from accounts.adapters import ENCRYPTED_PREFIX, decrypt_secret, encrypt_secret

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS):
        data = dict(authenticator.data)
        keys = SECRET_FIELDS[authenticator.type]
        values = {key: data[key] for key in keys if isinstance(data.get(key), str)}
        codes = data.get("migrated_codes")
        for key, value in values.items():
            if encrypting and not value.startswith(ENCRYPTED_PREFIX):
                data[key] = encrypt_secret(value)
            elif not encrypting and value.startswith(ENCRYPTED_PREFIX):
                data[key] = decrypt_secret(value)
        if isinstance(codes, list):
            data["migrated_codes"] = [
                encrypt_secret(code)
                if encrypting and not code.startswith(ENCRYPTED_PREFIX)
                else decrypt_secret(code)
                if not encrypting and code.startswith(ENCRYPTED_PREFIX)
                else code
                for code in codes
            ]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor) -> None:
    _convert(apps, encrypting=True)


def decrypt(apps, schema_editor) -> None:
    _convert(apps, encrypting=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sessions"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
