"""System checks about what the database itself guarantees (README, "What the database
guarantees")."""

from __future__ import annotations

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def booking_guards(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Booking capacity and member overlap are held by PostgreSQL triggers (meetings 0007);
    on SQLite only by the services' checks. Said, not hidden: `manage.py check --database
    default` (and `migrate`, which runs the database checks) shows it."""
    # Database checks run only when asked for a database (check --database, migrate).
    if not databases or all(connections[alias].vendor == "postgresql" for alias in databases):
        return []
    return [
        checks.Info(
            "Booking capacity and member overlap are checked by the booking service only: "
            "the database guards (meetings 0007) exist on PostgreSQL.",
            id="samspil.I001",
        )
    ]
