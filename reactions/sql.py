"""The toggle in one statement, on PostgreSQL: the one place where reactions use raw SQL.

Why: `BENCH_RUNS=3 make bench BENCH_ARGS="--only toggle"` (PostgreSQL 15 + Redis, small
data set, 2 sync workers; the reaction toggle's rate over the durable write floor's,
measured in the same rounds; required >= 0.6):
  - this statement:                      0.70 (rounds 0.66-0.98); 0.65 (0.55-0.73)
  - the ORM path in transaction.atomic(): 0.25 (rounds 0.24-0.25), some 60% less
The ORM's path (reactions.services: begin, delete, the insert in its savepoint, the
counter, the state, commit: seven round trips) is what every other database runs.

The reaction is deleted if there, inserted if not (unless another tap of the same reader
inserts it first); its counter follows; then every count and the reader's keys, where
the toggled key is the reader's unless it was just deleted. One round trip, no
transaction to open and close. Table and column names come from the models; values are
parameters. Indexes: reaction_one_per_reader_and_kind, reaction_count_unique.
"""

from functools import cache

from django.db import connection

from reactions.models import Reaction, ReactionCount


def toggle(*, article_id, reader_id, key, now):
    """(key, count) rows of the state after the toggle; the reader's keys come with -1."""
    with connection.cursor() as cursor:
        cursor.execute(
            _toggle_sql(),
            {"article": article_id, "reader": reader_id, "key": key, "now": now},
        )
        return cursor.fetchall()


@cache
def _toggle_sql():
    quote = connection.ops.quote_name
    reaction = quote(Reaction._meta.db_table)
    counter = quote(ReactionCount._meta.db_table)
    key = quote(Reaction._meta.get_field("key").column)
    return f"""
        WITH deleted AS (
            DELETE FROM {reaction}
            WHERE article_id = %(article)s AND reader_id = %(reader)s AND {key} = %(key)s
            RETURNING id
        ), inserted AS (
            INSERT INTO {reaction} (article_id, reader_id, {key}, created_at)
            SELECT %(article)s::bigint, %(reader)s::varchar, %(key)s::varchar,
                %(now)s::timestamptz
            WHERE NOT EXISTS (SELECT 1 FROM deleted)
            ON CONFLICT DO NOTHING
            RETURNING id
        ), decremented AS (
            UPDATE {counter} SET count = count - 1
            WHERE article_id = %(article)s AND {key} = %(key)s
                AND EXISTS (SELECT 1 FROM deleted)
            RETURNING {key}, count
        ), incremented AS (
            INSERT INTO {counter} (article_id, {key}, count)
            SELECT %(article)s::bigint, %(key)s::varchar, 1
            WHERE EXISTS (SELECT 1 FROM inserted)
            ON CONFLICT (article_id, {key}) DO UPDATE SET count = {counter}.count + 1
            RETURNING {key}, count
        ), changed AS (
            SELECT {key}, count FROM decremented
            UNION ALL
            SELECT {key}, count FROM incremented
        )
        SELECT {key}, count FROM changed
        UNION ALL
        SELECT {key}, count FROM {counter}
        WHERE article_id = %(article)s
            AND NOT ({key} = %(key)s AND EXISTS (SELECT 1 FROM changed))
        UNION ALL
        SELECT {key}, -1 FROM {reaction}
        WHERE article_id = %(article)s AND reader_id = %(reader)s AND {key} <> %(key)s
        UNION ALL
        SELECT %(key)s::varchar, -1 WHERE NOT EXISTS (SELECT 1 FROM deleted)
    """  # noqa: S608 (names from the models; values are parameters)
