"""How many prepared statements a PostgreSQL connection keeps: enough for every page a worker serves.

psycopg prepares a statement the second time a connection runs it (``prepare_threshold`` in the
settings) and keeps at most ``prepared_max`` of them, 100 by default, the least recently used going
first, each with a ``DEALLOCATE`` round trip of its own. The pages ask some 110 statements between
them: a worker going from page to page in turn dropped each statement before it came back to it, and
prepared it again, paying two round trips for the plan it meant to save. The server keeps each plan
in the connection's memory, a few kilobytes to a few dozen: 500 of them cost a worker's connection
a few megabytes at most.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

PREPARED_MAX = 500


def keep_prepared(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created``'s receiver: psycopg's limit is set per connection, not in its options."""
    if connection.vendor == "postgresql":
        connection.connection.prepared_max = PREPARED_MAX


def connect() -> None:
    """Applied to each new connection (``RelaisConfig.ready``)."""
    connection_created.connect(keep_prepared, dispatch_uid="relais.db.prepared")
