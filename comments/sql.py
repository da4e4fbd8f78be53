"""A comment stored in one round trip, on PostgreSQL: the one place where comments are
written in raw SQL.

Why: `BENCH_RUNS=3 make bench BENCH_ARGS="--only comment"` (PostgreSQL 15 + Redis, small
data set, 2 sync workers; the comment post's rate over the durable write floor's,
measured in the same rounds; required >= 0.4):
  - this path:                                      0.43 (rounds 0.37-0.64), 346/s
  - the ORM's path (comments.services, in transaction.atomic(): the lock, the ban and
    duplicate checks, the thread count, the insert, the commit): 0.26 (rounds
    0.25-0.31), 179/s, some 48% less.
Every other database runs the ORM's path.

What it does: the advisory lock that makes one address's submissions to one article wait
for each other (so that the duplicate check cannot race), then the checks and the insert
in one statement that runs once the lock is granted, and the commit, all sent at once
through psycopg's pipeline. Planning the checks afresh for each comment (the comment
table has many partial indexes) cost several times more than running them: the
statement runs on its generic plan. No signal is sent: what is inserted is pending, which
no receiver acts on (comments.signals). The comment comes back through Model.from_db, as
the ORM would load it. Table and column names come from the model; values are parameters.
"""

import contextlib
import hashlib
import re
from functools import cache

import psycopg
from django.db import DatabaseError, connection
from django.utils import timezone
from psycopg.pq import TransactionStatus

from comments import threads
from comments.models import Comment, ReaderBan


def store_unless_refused(comment, *, since):
    """Insert `comment` (pending, not saved yet), committed, unless its author is banned
    or it was posted already since `since`: (whose ban, as services.ban_on(): "reader",
    "address" or None; duplicate; threads before its own for its author; the stored
    comment or None). A ban on the address alone does not refuse."""
    article, parent, reader_id = comment.article, comment.parent, comment.reader_id
    params = {
        "address": comment.address_hash,
        "body": comment.body,
        "name": comment.name,
        "since": Comment._meta.get_field("created_at").get_db_prep_value(since, connection),
        "now": ReaderBan._meta.get_field("ends_at").get_db_prep_value(timezone.now(), connection),
        **threads.thread_count_params(
            article_id=article.pk,
            reader_id=reader_id,
            before=(parent.created_at, parent.pk) if parent else None,
        ),
    }
    checks = (
        f"{_check_sql('banned')} AS banned, {_check_sql('address_banned')} AS address_banned, "
        f"{_check_sql('duplicate')} AS duplicate, "
        f"{threads.visible_threads_sql(before=parent is not None)} AS threads_before"
    )
    values = {}
    for field in _inserted_fields():
        values[field.attname] = field.pre_save(comment, True)
        params[f"field_{field.attname}"] = field.get_db_prep_save(values[field.attname], connection)
    who = f"{article.pk}:{comment.address_hash or reader_id}"
    digest = hashlib.blake2b(f"newsroom.comments:{who}".encode(), digest_size=8).digest()
    own_transaction = not connection.in_atomic_block
    with connection.cursor() as cursor, connection.cursor() as result:
        try:
            # Errors of psycopg's own pipeline reach us unwrapped: wrap them as Django does,
            # so that a lost connection is a DatabaseError (a 503) and is replaced.
            with connection.wrap_database_errors, connection.connection.pipeline():
                if own_transaction:
                    cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)",
                    [int.from_bytes(digest, "big", signed=True)],
                )
                cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
                result.execute(_store_sql(checks), params)
                if own_transaction:
                    cursor.execute("COMMIT")
        except BaseException:
            if own_transaction:
                _end_failed_transaction()
            raise
        banned, address_banned, duplicate, threads_before, pk = result.fetchone()
    ban = "reader" if banned else "address" if address_banned else None
    if pk is None:
        return ban, duplicate, threads_before, None
    names = ["id", *values]
    stored = Comment.from_db(connection.alias, names, [pk, *values.values()])
    stored.article, stored.parent = article, parent
    return ban, duplicate, threads_before, stored


def _end_failed_transaction():
    """Roll back the transaction begun above, if a failure left it open (a connection
    that is lost is replaced anyway)."""
    status = connection.connection.info.transaction_status
    if status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
        with contextlib.suppress(DatabaseError, psycopg.Error):
            connection.connection.execute("ROLLBACK")


@cache
def _inserted_fields():
    return [field for field in Comment._meta.concrete_fields if not field.primary_key]


@cache
def _store_sql(checks):
    """The checks, and the insert of the comment when they pass: one statement, as
    Model.save() would insert it (every column but the id, from `field_<attname>`)."""
    quote = connection.ops.quote_name
    fields = _inserted_fields()
    columns = ", ".join(quote(field.column) for field in fields)
    # Typed: a parameter in a SELECT list has no type of its own. Without the length
    # (varchar, not varchar(80)), so that a value too long fails instead of being cut.
    values = ", ".join(
        f"%(field_{field.attname})s::{re.sub(r'[(].*[)]', '', field.db_type(connection))}"
        for field in fields
    )
    table = quote(Comment._meta.db_table)
    pk = quote(Comment._meta.pk.column)
    return f"""
        WITH checks AS (SELECT {checks}),
        stored AS (
            INSERT INTO {table} ({columns})
            SELECT {values} FROM checks WHERE NOT checks.banned AND NOT checks.duplicate
            RETURNING {pk}
        )
        SELECT banned, address_banned, duplicate, threads_before, (SELECT {pk} FROM stored)
        FROM checks
    """  # noqa: S608 (names from the model; values are parameters)


@cache
def _check_sql(name):
    """The submission's checks, as comments.services makes them with the ORM: a ban on
    the reader, a ban on their address only (as services.ban_on), a duplicate (as
    services._duplicates_of). Two EXISTS rather than one with an OR: each has an index
    (comment_reader_idx, comment_address_idx) in the generic plan."""
    quote = connection.ops.quote_name
    bans = (
        f"SELECT 1 FROM {quote(ReaderBan._meta.db_table)} WHERE lifted_at IS NULL"  # noqa: S608
        " AND (ends_at IS NULL OR ends_at > %(now)s)"
    )
    if name == "banned":
        return f"EXISTS ({bans} AND reader_id = %(reader)s AND reader_id <> '')"
    if name == "address_banned":
        return f"EXISTS ({bans} AND address_hash = %(address)s AND address_hash <> '')"
    table = quote(Comment._meta.db_table)
    recent = "article_id = %(article)s AND body = %(body)s AND created_at >= %(since)s"
    return f"""(EXISTS (
        SELECT 1 FROM {table}
        WHERE reader_id = %(reader)s AND %(reader)s <> '' AND {recent}
    ) OR EXISTS (
        SELECT 1 FROM {table}
        WHERE address_hash = %(address)s AND %(address)s <> '' AND name = %(name)s AND {recent}
    ))"""  # noqa: S608
