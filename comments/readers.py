"""Who a reader is: the user when logged in, otherwise a long random id in a signed cookie."""

import re
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import signing
from django.db import connection

READER_COOKIE_SALT = "newsroom.reader"
READER_ID_PATTERN = re.compile(r"[0-9a-f]{48}")


def reader_id_from_request(request):
    """The reader's id, or None for a reader who has never reacted or commented."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return reader_id_from_cookie(request)  # no session: nobody is logged in
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return reader_id_from_cookie(request)


def reader_id_from_cookie(request):
    """The anonymous reader's id from their cookie alone (no session, no user), or None."""
    try:
        value = request.get_signed_cookie(
            settings.READER_COOKIE_NAME, default=None, salt=READER_COOKIE_SALT
        )
    except signing.BadSignature:
        return None
    if value is None or not READER_ID_PATTERN.fullmatch(value):
        return None
    return value


def new_reader_id():
    return secrets.token_hex(24)


def remember_reader(response, reader_id):
    """Set the reader cookie, if the reader is anonymous."""
    if reader_id.startswith("user-"):
        return
    response.set_signed_cookie(
        settings.READER_COOKIE_NAME,
        reader_id,
        salt=READER_COOKIE_SALT,
        max_age=settings.READER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@dataclass(frozen=True)
class ReaderState:
    """What one reader has done on one article that changes how its page looks to them,
    and the article's reaction counts read with it."""

    reactions: frozenset
    # Comments of theirs that are not approved (shown to them alone), or reports (their
    # "Reported — thank you"): the page is then rendered for them.
    has_own_comments_or_reports: bool
    counts: dict


def reader_state(*, article_id, reader_id):
    """The article's reaction counts, the reader's reactions on it, and whether they have
    comments not approved or reports on it: one query (in SQL: it runs on most page views
    of a reader with a cookie, where building it through the ORM cost more than running
    it)."""
    from comments.services import reaction_keys

    with connection.cursor() as cursor:
        cursor.execute(
            _reader_state_sql(),
            {"article": article_id, "reader": reader_id, "approved": "approved"},
        )
        rows = cursor.fetchall()
    counts = dict.fromkeys(reaction_keys(), 0)
    mine = set()
    for key, count in rows:
        if count >= 0:
            if key in counts:
                counts[key] = count
        else:
            mine.add(key)
    return ReaderState(
        reactions=frozenset(mine - {_OWN_MARK}),
        has_own_comments_or_reports=_OWN_MARK in mine,
        counts=counts,
    )


_OWN_MARK = "#"  # no reaction key starts with it


@cache
def _reader_state_sql():
    from comments.models import Comment, Reaction, ReactionCount, Report

    quote = connection.ops.quote_name
    counter, reaction, comment, report = (
        quote(m._meta.db_table) for m in (ReactionCount, Reaction, Comment, Report)
    )
    # Indexes: reaction_count_unique, reaction_one_per_reader_and_kind, comment_reader_idx,
    # report_reader_idx. Counts are >= 0; the reader's own rows come with -1.
    return f"""
        SELECT emoji, count FROM {counter} WHERE article_id = %(article)s
        UNION ALL
        SELECT emoji, -1 FROM {reaction} WHERE article_id = %(article)s AND reader_id = %(reader)s
        UNION ALL
        SELECT '{_OWN_MARK}', -1 FROM {comment}
        WHERE article_id = %(article)s AND reader_id = %(reader)s AND status <> %(approved)s
        UNION ALL
        SELECT '{_OWN_MARK}', -1
        FROM {report} INNER JOIN {comment} ON {comment}.id = {report}.comment_id
        WHERE {report}.reader_id = %(reader)s AND {comment}.article_id = %(article)s
    """  # noqa: S608 (table names from the models; values are parameters)
