"""Surge mode: an article whose comments or reports come faster than a moderator can read
switches itself to pre-moderation, and back after a calm period.

Each accepted comment and report is counted per article in the shared cache (the rate
limits' logs, newsroom.ratelimit). When an article passes COMMENTS_SURGE_COMMENTS_PER_MINUTE
comments or COMMENTS_SURGE_REPORTS_PER_MINUTE reports in a minute, and its comments are
post-moderated, a Surge is recorded (when, why, the mode it had) and the article becomes
pre-moderated: what comes next waits for a moderator. Staff see a banner on the admin's
index and on the article's page. The surge ends, and the article gets its mode back, once
COMMENTS_SURGE_CALM_MINUTES have passed since it started (noticed on the admin's index or
by the end_calm_surges command, which cron may run every minute), or when a moderator
ends it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import services as article_services
from articles.models import Article
from comments.models import Surge
from newsroom import ratelimit

logger = logging.getLogger(__name__)

COMMENT = "comments"
REPORT = "reports"


def note(*, article, kind):
    """Count an accepted comment or report on a post-moderated article, and start a surge
    when it passes its threshold. Costs nothing on other articles (their comments wait
    for a moderator already). Never raises: a surge is a guard, not a reason to refuse a
    reader."""
    threshold = (
        settings.COMMENTS_SURGE_COMMENTS_PER_MINUTE
        if kind == COMMENT
        else settings.COMMENTS_SURGE_REPORTS_PER_MINUTE
    )
    if not threshold or article.comments_mode != Article.CommentsMode.POST_MODERATED:
        return
    try:
        exceeded = ratelimit.hit(
            scope=f"surge:{kind}", identities=[str(article.pk)], limits=[(threshold, 60)]
        )
        if exceeded:
            start(article_id=article.pk, reason=f"more than {threshold} {kind} in a minute")
    except Exception:
        logger.exception("the surge guard failed for article %s", article.pk)


def start(*, article_id, reason):
    """Switch a post-moderated article to pre-moderation, recording why; None when it has
    a surge already or is not post-moderated (nothing to switch)."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.comments_mode != Article.CommentsMode.POST_MODERATED:
            return None
        try:
            with transaction.atomic():
                surge = Surge.objects.create(
                    article=article,
                    started_at=timezone.now(),
                    reason=reason,
                    previous_mode=article.comments_mode,
                )
        except IntegrityError:
            return None  # another request started it
        article_services.switch_comments_mode(
            article=article, mode=Article.CommentsMode.PRE_MODERATED
        )
    logger.warning("surge on article %s: %s", article_id, reason)
    return surge


def end(*, surge, moderator=None):
    """End the surge: the article gets back the mode it had, unless staff changed it
    meanwhile (closed it, say). Returns whether it was open."""
    with transaction.atomic():
        surge = Surge.objects.select_for_update().select_related("article").get(pk=surge.pk)
        if surge.ended_at is not None:
            return False
        surge.ended_at = timezone.now()
        surge.ended_by = moderator
        surge.save(update_fields=["ended_at", "ended_by"])
        if surge.article.comments_mode == Article.CommentsMode.PRE_MODERATED:
            article_services.switch_comments_mode(article=surge.article, mode=surge.previous_mode)
    return True


def end_if_calm(*, surge):
    """End the surge if COMMENTS_SURGE_CALM_MINUTES have passed since it started."""
    if timezone.now() - surge.started_at < timedelta(minutes=settings.COMMENTS_SURGE_CALM_MINUTES):
        return False
    return end(surge=surge)


def end_calm_surges():
    """End every open surge whose calm period has passed: how many."""
    return len(current_surges(ended=True))


def current_surges(*, ended=False):
    """The open surges, with their articles, once those whose calm period has passed are
    ended (one query when none is); with `ended`, those ended instead."""
    still, over = [], []
    for surge in Surge.objects.open().select_related("article").order_by("started_at"):
        (over if end_if_calm(surge=surge) else still).append(surge)
    return over if ended else still
