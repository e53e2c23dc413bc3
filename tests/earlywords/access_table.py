"""Who may use each early-word URL: only the sender, the people told and administrators
read one; leaders and centre heads give them; never anonymous."""

from earlywords.models import Recipient
from tests.access import Row, everyone
from tests.earlywords.helpers import give


def given(o):
    return {"pk": give(o).pk}


def statuses(o):
    return sorted(Recipient.objects.values_list("status", flat=True))


ROWS = [
    Row("earlywords:list", expect=everyone(200)),
    Row("earlywords:give", expect={"admin": 403, "leader": 200, "centre_head": 200, "other_leader": 200}, others=403),
    # Told: the chair of the workplace's committee and the director; sent: the leader.
    Row("earlywords:detail", setup=given, expect={"admin": 200, "director": 200, "chair": 200, "leader": 200}),
    Row(
        "earlywords:acknowledge",
        method="POST",
        setup=given,
        expect={"director": 302, "chair": 302, "admin": 403, "leader": 403},
        unchanged=statuses,
    ),
]
