from notifications.kinds import KINDS
from tests.access import REDIRECT, Row, everyone


def _leaders_notification(org) -> int:
    """A notification of the leader's: only the leader may mark it read."""
    from notifications.models import Notification

    return Notification.objects.create(
        recipient=org.leader, kind="story_submitted", event="access-table", link="/", delivery="start_page"
    ).pk


ROWS = [
    # Each person's own choices: the same page for everyone signed in.
    Row("notifications:settings", expect=everyone(200)),
    Row(
        "notifications:settings",
        method="POST",
        data=lambda o: dict.fromkeys(KINDS, "daily"),
        expect=everyone(REDIRECT),
    ),
    Row("notifications:read_all", method="POST", expect=everyone(REDIRECT)),
    # Another person's notification is not found.
    Row(
        "notifications:read",
        method="POST",
        kwargs=lambda o: {"pk": _leaders_notification(o)},
        expect={"leader": REDIRECT},
        others=404,
    ),
]
