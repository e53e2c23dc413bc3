"""System checks about what the database itself guarantees (README, "What the database
guarantees")."""

from __future__ import annotations

from django.core import checks
from django.db import connection


@checks.register()
def booking_guards(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Booking capacity and member overlap are held by PostgreSQL triggers (meetings 0007);
    on SQLite only by the services' checks. Said, not hidden."""
    if connection.vendor == "postgresql":
        return []
    return [
        checks.Info(
            "Booking capacity and member overlap are checked by the booking service only: "
            "the database guards (meetings 0007) exist on PostgreSQL.",
            id="samspil.I001",
        )
    ]
