"""Who a reader is: the user when logged in, otherwise a long random id in a signed cookie."""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import CharField, Value

READER_COOKIE_SALT = "newsroom.reader"
READER_ID_PATTERN = re.compile(r"[0-9a-f]{48}")


def reader_id_from_request(request):
    """The reader's id, or None for a reader who has never reacted or commented."""
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
    """What one reader has done on one article that changes how its page looks to them."""

    reactions: frozenset
    # Comments of theirs that are not approved (shown to them alone), or reports (their
    # "Reported — thank you"): the page is then rendered for them.
    has_own_comments_or_reports: bool


def reader_state(*, article_id, reader_id):
    """The reader's reactions on the article, and whether they have comments not approved
    or reports on it: one query."""
    from comments.models import Comment, Flag, Reaction

    mark = "#"  # no reaction key starts with it
    reactions = Reaction.objects.filter(article_id=article_id, reader_id=reader_id)
    comments = (
        Comment.objects.filter(article_id=article_id, reader_id=reader_id)
        .exclude(status=Comment.Status.APPROVED)
        .annotate(key=Value(mark, output_field=CharField()))
    )
    reports = Flag.objects.filter(reader_id=reader_id, comment__article_id=article_id).annotate(
        key=Value(mark, output_field=CharField())
    )
    rows = reactions.values_list("emoji").union(
        comments.order_by().values_list("key"), reports.order_by().values_list("key"), all=True
    )
    keys = {key for (key,) in rows}
    return ReaderState(reactions=frozenset(keys - {mark}), has_own_comments_or_reports=mark in keys)
