"""Django's PostgreSQL backend, with a health check that asks the socket, not the server.

With CONN_HEALTH_CHECKS Django checks a persistent connection before the first query of
every request with `SELECT 1`: a round trip on every page (0.2–0.4 ms, issue 19), where the
page itself may need only one or two. A connection the server has ended (a restart,
`pg_terminate_backend`, an idle timeout, the server gone) has told its socket so: the
server's last message, or the end of the stream, waits there to be read. A healthy idle
connection has nothing to read, as nothing was asked. So an idle connection whose socket
has something to read is taken as unusable (closed, and a new one opened), which is also
what a stray message would cost at worst; anything but an idle connection is checked the
old way. Left as before: a peer that vanished without a word (a cable pulled) is not
seen by either check until TCP gives up.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import is_psycopg3


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if is_psycopg3:
            return super().is_usable()
        from psycopg2.extensions import TRANSACTION_STATUS_IDLE

        if connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return super().is_usable()
        try:
            readable, _writable, _failed = select.select([connection], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
