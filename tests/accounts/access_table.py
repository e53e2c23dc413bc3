from tests.access import Row

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
