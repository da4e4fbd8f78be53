"""What a reader may send: a comment (or a reply) and a report."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.formats import number_format

from comments.models import Comment, Report
from comments.text import control_characters, has_visible_text, normalise_newlines

NAME_MAX_LENGTH = Comment._meta.get_field("name").max_length
BODY_MAX_LENGTH = Comment._meta.get_field("body").max_length
EMAIL_MAX_LENGTH = Comment._meta.get_field("email").max_length


def _describe(characters):
    names = {"\x00": "NUL", "\x7f": "DEL", "\n": "line break", "\t": "tab", "\r": "return"}
    return ", ".join(names.get(ch, f"U+{ord(ch):04X}") for ch in characters)


class ReaderTextField(forms.CharField):
    """Text from a reader: newlines normalised, control characters refused (NUL included:
    PostgreSQL cannot store it), and some visible text required."""

    def __init__(self, *, allowed_controls, what, **kwargs):
        self.allowed_controls = frozenset(allowed_controls)
        self.what = what
        super().__init__(**kwargs)
        # Our check covers NUL with a clearer message.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_newlines(value).strip()

    def validate(self, value):
        super().validate(value)
        found = control_characters(value, allowed=self.allowed_controls)
        if found:
            raise forms.ValidationError(
                "%(what)s contains characters that cannot be used (%(found)s): please remove them.",
                code="control_characters",
                params={"what": self.what, "found": _describe(found)},
            )
        if value and not has_visible_text(value):
            raise forms.ValidationError(self.error_messages["required"], code="required")


# Whatever makes a parent unusable (no such comment, one not shown, one on another
# article), the reader is told the same: a hidden comment's id is not confirmed.
UNUSABLE_PARENT_MESSAGE = "You cannot reply to that comment: it is not shown on this article."
REPLY_FIELDS = ("id", "article_id", "created_at", "name", "status", "parent__id")
REPLY_PARENT_FIELDS = ("parent__article_id", "parent__created_at", "parent__name", "parent__status")


def _can_reply_to(comment):
    root = comment.parent or comment
    return comment.status == root.status == Comment.Status.APPROVED


def find_reply_target(*, article, pk):
    """An approved comment of this article in an approved thread, or None (whether there
    is no such comment or it cannot be replied to)."""
    target = (
        Comment.objects.filter(pk=pk, article=article)
        .select_related("parent")
        .only(*REPLY_FIELDS, *REPLY_PARENT_FIELDS)
        .first()
    )
    return target if target is not None and _can_reply_to(target) else None


class ReaderEmailField(forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class CommentForm(forms.Form):
    """A comment or a reply. `parent` may name an approved comment of the same article:
    a reply to a reply joins its thread (one level of nesting)."""

    name = ReaderTextField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        allowed_controls=(),
        what="Your name",
        error_messages={
            "required": "Enter your name.",
            "max_length": "Keep your name to %(limit_value)d characters or fewer "
            "(it has %(show_value)d).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = ReaderEmailField(
        label="Email (optional)",
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        help_text="Never shown on the site; only its administrators can see it.",
        error_messages={"invalid": "Enter a valid email address, or leave it empty."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = ReaderTextField(
        label="Comment",
        allowed_controls=("\n", "\t"),
        what="Your comment",
        error_messages={"required": "Write your comment."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # The honeypot: hidden from people and from screen readers; bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,  # beyond a bigint, PostgreSQL would refuse the query
        widget=forms.HiddenInput,
        error_messages={
            "invalid": UNUSABLE_PARENT_MESSAGE,
            "min_value": UNUSABLE_PARENT_MESSAGE,
            "max_value": UNUSABLE_PARENT_MESSAGE,
        },
    )

    def __init__(self, *args, article, **kwargs):
        self.article = article
        self.reply_to = None  # the comment the reader chose to reply to
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.max_body_length = BODY_MAX_LENGTH
        self.fields[
            "body"
        ].help_text = f"Up to {number_format(BODY_MAX_LENGTH, force_grouping=True)} characters."

    def clean_email(self):
        email = self.cleaned_data["email"]
        if control_characters(email):
            raise forms.ValidationError("Enter a valid email address, or leave it empty.")
        return email

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX_LENGTH:  # counted after line breaks are normalised
            raise forms.ValidationError(
                "Keep your comment to %(limit)s characters or fewer (it has %(length)s).",
                code="max_length",
                params={
                    "limit": number_format(BODY_MAX_LENGTH, force_grouping=True),
                    "length": number_format(len(body), force_grouping=True),
                },
            )
        return body

    def clean_parent(self):
        """The thread's top-level comment: approved, on this article."""
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        target = find_reply_target(article=self.article, pk=parent_id)
        if target is None:
            raise forms.ValidationError(UNUSABLE_PARENT_MESSAGE, code="unusable_parent")
        self.reply_to = target
        return target.parent or target


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why you are reporting this comment.",
            "invalid_choice": "Choose a reason: spam, abuse, off-topic or other.",
        },
    )
