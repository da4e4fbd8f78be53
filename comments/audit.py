"""One audit trail: who did what to a comment, when and why, from the records the site
already keeps. Moderators' decisions and staff's edits are the admin's history
(LogEntry, written by every admin action and page); the rest comes from the comment's
own rows: its posting and the rules' verdict, the readers' reports, the bans made from
it. Nothing here writes.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from comments.models import BannedWord, Comment, ReaderBan, Report, SuspectWord

READERS_SHOWN = 100  # reports listed one by one; past that, counted


@dataclass(frozen=True)
class Event:
    when: datetime
    who: str
    what: str
    why: str = ""
    user_id: int | None = None


def comment_trail(comment):
    """The comment's events, oldest first: a bounded number of queries (four)."""
    events = [
        Event(when=comment.created_at, who="the reader", what=f"posted it as “{comment.name}”"),
    ]
    if comment.moderation_reason:
        events.append(
            Event(
                when=comment.created_at,
                who="the rules",
                what="checked it",
                why=comment.moderation_reason,
            )
        )
    events += _reports(comment)
    events += _with_rejection_reason(_staff_entries(comment), comment)
    events += _bans(comment)
    return sorted(events, key=lambda event: event.when)


def _reports(comment):
    reports = list(
        Report.objects.filter(comment=comment)
        .order_by("created_at", "id")
        .only("reason", "created_at", "weight")[:READERS_SHOWN]
    )
    return [
        Event(
            when=report.created_at,
            who="a reader" if report.weight == Report.ESTABLISHED_READER_WEIGHT else "a new reader",
            what="reported it",
            why=report.get_reason_display(),
        )
        for report in reports
    ]


def _staff_entries(comment):
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment),
            object_id=str(comment.pk),
        )
        .select_related("user")
        .order_by("action_time", "id")
    )
    return [
        Event(
            when=entry.action_time,
            who=entry.user.get_username(),
            user_id=entry.user_id,
            what=entry.get_change_message() or entry.get_action_flag_display(),
        )
        for entry in entries
    ]


def _with_rejection_reason(events, comment):
    """The last rejection says why, when the moderator gave a reason (the comment keeps
    the reason of its latest rejection only)."""
    if not comment.rejection_reason:
        return events
    why = comment.get_rejection_reason_display()
    if comment.rejection_note:
        why = f"{why}: {comment.rejection_note}"
    for index in range(len(events) - 1, -1, -1):
        if events[index].what.startswith("Rejected"):
            events[index] = replace(events[index], why=why)
            break
    return events


def _bans(comment):
    events = []
    bans = ReaderBan.objects.filter(comment=comment).select_related("created_by", "lifted_by")
    for ban in bans:
        events.append(
            Event(
                when=ban.created_at,
                who=_name(ban.created_by),
                user_id=ban.created_by_id,
                what="banned its author",
                why=ban.reason,
            )
        )
        if ban.lifted_at:
            events.append(
                Event(
                    when=ban.lifted_at,
                    who=_name(ban.lifted_by),
                    user_id=ban.lifted_by_id,
                    what="lifted the ban",
                )
            )
    return events


def _name(user):
    return user.get_username() if user is not None else "a moderator since deleted"


def moderation_entries():
    """The admin's history of everything moderators work on (comments, reports, word lists,
    bans), newest first: the per-moderator trail, filtered by user in the admin."""
    return LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(
            Comment, Report, ReaderBan, BannedWord, SuspectWord
        ).values()
    )
