"""Automatic moderation: each rule is a small function, the pipeline is a list of them.

A rule looks at a stored comment (and the honeypot value, which is never stored) and
returns a Verdict, or None when it has nothing to say. The comment takes the most severe
status the rules give, or the article's default (pending when pre-moderated, approved when
post-moderated), and every rule that spoke is recorded in its moderation_reason, with what
it found (a listed word as the list has it), so that a moderator sees why a comment was
held.

Refusals that store nothing (closed article, banned reader, duplicate, rate limit) are not
rules: they live in comments.services, before the comment is stored.
"""

from dataclasses import dataclass

from django.conf import settings

from articles import pagecache
from articles.models import Article
from comments.models import BannedWord, Comment, SuspectWord
from comments.readers import is_trusted
from comments.text import count_links
from comments.words import word_matcher

Status = Comment.Status
SEVERITY = {Status.APPROVED: 0, Status.PENDING: 1, Status.REJECTED: 2, Status.SPAM: 3}
REASON_MAX_LENGTH = Comment._meta.get_field("moderation_reason").max_length
MATCH_SHOWN = 40
PRE_MODERATED = "pre-moderated article"  # the reason of a comment no rule held


@dataclass(frozen=True)
class Submission:
    comment: Comment
    honeypot: str = ""
    held: str = ""  # why its network alone holds it (comments.services), or ""


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


def honeypot(submission):
    """A field people never see was filled in: a bot. Spam, and the bot is told nothing."""
    if submission.honeypot.strip():
        return Verdict(Status.SPAM, "the hidden field was filled in")
    return None


WORD_LISTS_KEY = "moderation:word-lists"
WORD_LISTS_GENERATION_KEY = "gen:moderation:word-lists"


def word_lists():
    """The banned and the suspect words, kept in the shared cache under a generation that
    every save or delete of a word bumps when it commits (comments/signals.py): the next
    comment uses the new lists (on other app servers, within PAGE_CACHE_LOCAL_SECONDS)."""
    generation, lists = pagecache.read_with_generation(WORD_LISTS_GENERATION_KEY, WORD_LISTS_KEY)
    if lists is None or lists["generation"] != generation:
        lists = {
            "generation": generation,
            "banned": BannedWord.objects.words(),
            "suspect": SuspectWord.objects.words(),
        }
        pagecache.write(WORD_LISTS_KEY, lists, 24 * 60 * 60)
    return lists


def word_lists_changed():
    pagecache.bump(WORD_LISTS_GENERATION_KEY)


def banned_words(submission):
    """A word from the banned list: rejected."""
    matches = find_words(word_lists()["banned"], _text_of(submission.comment))
    if matches:
        return Verdict(Status.REJECTED, _quoted(matches))
    return None


def too_many_links(submission):
    """More links than COMMENTS_MAX_LINKS: held, even on a post-moderated article."""
    links = count_links(submission.comment.body)
    limit = settings.COMMENTS_MAX_LINKS
    if links > limit:
        return Verdict(Status.PENDING, f"{links} links (more than {limit})")
    return None


def suspect_words(submission):
    """A word from the suspect list: held for a moderator."""
    matches = find_words(word_lists()["suspect"], _text_of(submission.comment))
    if matches:
        return Verdict(Status.PENDING, _quoted(matches))
    return None


def network(submission):
    """Posted from a banned commenter's address, or a network busy past the rate limits, by
    a reader not banned themselves: held for a moderator, never refused (offices and
    carriers share addresses)."""
    if submission.held:
        return Verdict(Status.PENDING, submission.held)
    return None


def first_comment(submission):
    """On a post-moderated article, a reader's first comment is reviewed."""
    comment = submission.comment
    if comment.article.comments_mode != Article.CommentsMode.POST_MODERATED:
        return None
    if (
        comment.reader_id
        and Comment.objects.approved().filter(reader_id=comment.reader_id).exists()
    ):
        return None
    return Verdict(Status.PENDING, "no approved comment from this reader yet")


RULES = [honeypot, banned_words, too_many_links, suspect_words, network, first_comment]


def moderate(submission, *, rules=None):
    """Run the rules: the status the comment gets and the reason to record."""
    comment = submission.comment
    if comment.article.comments_mode == Article.CommentsMode.POST_MODERATED:
        status = Status.APPROVED
    elif is_trusted(comment.reader_id):
        status = Status.APPROVED  # skips pre-moderation; the rules may still hold it
    else:
        status = Status.PENDING
    reasons = []
    for rule in RULES if rules is None else rules:
        verdict = rule(submission)
        if verdict is None:
            continue
        reasons.append(f"{rule.__name__.replace('_', ' ')}: {verdict.reason}")
        if SEVERITY[verdict.status] > SEVERITY[status]:
            status = verdict.status
    reason = "; ".join(reasons)
    if not reason and status == Status.PENDING:
        reason = PRE_MODERATED  # no rule spoke: it waits because the article is pre-moderated
    if len(reason) > REASON_MAX_LENGTH:
        reason = reason[: REASON_MAX_LENGTH - 1] + "…"
    return Verdict(status, reason)


def _text_of(comment):
    return f"{comment.name}\n{comment.body}"


def _quoted(words):
    return ", ".join(f"“{word[:MATCH_SHOWN]}”" for word in words)


def find_words(words, text):
    """The words of the list that the text contains (as comments.words matches them:
    whole words, whatever the case, invisible characters, look-alikes and accents), named
    as the list has them."""
    return word_matcher(tuple(words)).find(text)
