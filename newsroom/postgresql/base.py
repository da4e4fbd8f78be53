"""Django's PostgreSQL backend, letting go of a kept connection that the server closed
without running a query to find out."""

import select

from django.db.backends.postgresql import base


def still_open(connection):
    """Whether an idle psycopg connection still works. PostgreSQL sends an idle
    connection nothing but its end (after a restart, a failover, a terminated backend,
    with its last words), and a network cut ends it too: only when something is waiting
    to be read does a query tell for sure. A socket poll otherwise, no round trip."""
    try:
        poll = select.poll()
        poll.register(connection.fileno(), select.POLLIN)
        if not poll.poll(0):
            return True
        connection.execute("SELECT 1")
    except (OSError, ValueError, base.Database.Error):
        return False
    return True


class DatabaseWrapper(base.DatabaseWrapper):
    """So that no reader gets an error for a connection lost while nobody used it, once
    the database is back. Django's own check (CONN_HEALTH_CHECKS) runs a query each time."""

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.pool and not still_open(connection):
            self.pool.putconn(connection)  # broken: the pool drops it
            self.pool.check()  # the others it holds were most likely closed with it
            connection = super().get_new_connection(conn_params)
        return connection

    def close_if_health_check_failed(self):
        # Before a request's first query on a kept connection (a pooled one is checked
        # as it is taken from the pool, above).
        if self.pool or self.connection is None or self.health_check_done:
            return
        if still_open(self.connection):
            super().close_if_health_check_failed()  # with CONN_HEALTH_CHECKS, a query too
        else:
            self.close()
        self.health_check_done = True
