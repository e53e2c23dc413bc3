from tests.access import Row, everyone

ROWS = [
    # An unknown token: the page says the invitation cannot be used, to anyone.
    Row("accounts:invitation_accept", kwargs={"token": "not-a-token"}, anonymous=404, others=404),
    Row("accounts:invitations", expect={"admin": 302}, others=403),
    Row(
        "accounts:invitation_resend",
        method="POST",
        kwargs=lambda o: {"person_id": o.nobody.pk},
        expect={"admin": 302},
        others=403,
    ),
]

ROWS += [
    Row("accounts:my_data", expect=everyone(200)),
    Row("accounts:my_data_download", expect=everyone(200)),
    Row("accounts:privacy", anonymous=200, expect=everyone(200)),
]
