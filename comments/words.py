"""How the banned and suspect words match a comment: whole words, on text folded so that
what a reader reads as the same word is the same word.

A reader can hide a word from a plain comparison in ways nobody reading the page notices:
characters that show nothing inside it (zero-width space, soft hyphen, joiners), letters of
another script that look like its own (Cyrillic "а" for "a"), accents or stacked marks on
top, fullwidth, mathematical or small-capital letters, another case ("SS" for "ß"). The
words and the text are folded the same way before they are compared:

1. characters that show nothing are removed (comments.text.invisible);
2. compatibility forms are decomposed (NFKD: NFKC's equivalences, with accents kept as
   marks of their own) and case is folded;
3. look-alikes become their prototype in Unicode's confusables table (UTS #39, as the
   homoglyphs_fork package ships it), except where that would merge two letters that a
   language tells apart: ASCII, digits and marks stay themselves ("m" never becomes "rn",
   "d" never "cl", "1" and "I" never "l"), and so does a letter that a language's alphabet
   uses beside its look-alike of the same script (Turkish "ı" beside "i"). Latin small
   capitals ("ᴀ", "ʙ"), in the table as look-alikes of no letter, are the letter they are
   named for.

Case and look-alikes are folded in both orders, and a word matches either: a capital
Cyrillic "Н" looks like "H" though its small "н" looks like no Latin letter, and Greek
"Σ" and "σ" must stay one letter though they look like different Latin ones.

Accents (the combining diacritics that any script's letters can carry) that the text has
and the word has not are ignored: "idiot" matches "ìdìòt". An accent in the word is
required: "coño" does not match "cono". A script's own marks (Devanagari vowel signs, for
one) are part of its letters and always count.
"""

import bisect
import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from itertools import chain

from comments.text import invisible

DIACRITICS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
SHARED_SCRIPTS = {"COMMON", "INHERITED"}  # characters that every script uses
DATA_PACKAGE = "homoglyphs_fork"


def _class_of(test):
    """A regex character class's content: the characters that pass test, of planes 0, 1
    and 14 (where every format character and combining mark is)."""
    ranges = []
    for cp in chain(range(0x20000), range(0xE0000, 0xE1000)):
        if test(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"{re.escape(chr(start))}-{re.escape(chr(end))}" for start, end in ranges)


@cache
def _invisible():
    return re.compile(f"[{_class_of(invisible)}]+")


@cache
def _marks(beyond_the_bmp=True):
    """Every combining mark (Mn, Mc, Me), as a regex character class's content; those of
    the Basic Multilingual Plane only, if not beyond_the_bmp (a class that is much quicker
    to test)."""
    return _class_of(
        lambda char: (
            unicodedata.category(char).startswith("M") and (beyond_the_bmp or char <= "\uffff")
        )
    )


@cache
def _stray_diacritics():
    """Diacritics on no letter (after a space, at the start): they hide a word's start."""
    return re.compile(rf"(?=[{DIACRITICS}])(?<![\w{_marks()}])[{DIACRITICS}]+")


def _data(name):
    text = (resources.files(DATA_PACKAGE) / name).read_text(encoding="utf-8")
    return json.loads(text.replace("\u200e", ""))  # its right-to-left entries carry LRMs


class _Scripts:
    """The script of a character, from the package's copy of Unicode's Scripts.txt."""

    def __init__(self):
        self.ranges = _data("categories.json")["points"]
        self.starts = [start for start, _, _ in self.ranges]

    def __call__(self, char):
        start, end, script = self.ranges[bisect.bisect_right(self.starts, ord(char)) - 1]
        return script if start <= ord(char) <= end else "UNKNOWN"


def _prototypes(confusables, letters):
    """Each look-alike's prototype. The package lists each line of confusables.txt both
    ways: a look-alike has one partner, its prototype. Of a pair with no other partner, the
    lesser by _rank is taken for the prototype (what matters is that the choice is fixed)."""
    found = {}
    for char, partners in confusables.items():
        if len(char) != 1 or len(partners) != 1:
            continue
        partner = partners[0]
        lone_pair = len(confusables.get(partner, ())) == 1
        if lone_pair and _rank(char, letters) < _rank(partner, letters):
            continue
        found[char] = partner
    return found


def _rank(char, letters):
    """A sequence first (a look-alike is one character), then ASCII, then an alphabet's."""
    return (len(char) == 1, not char.isascii(), char not in letters, char)


def _keeps(char, prototype, script, letters, lettered_scripts):
    """Whether a look-alike stays itself: see the module's docstring, step 3."""
    if char.isascii() or unicodedata.category(char)[0] in "NM":
        return True
    own = script(char)
    if own not in {script(c) for c in prototype} - SHARED_SCRIPTS:
        return False
    return own not in lettered_scripts or char in letters


def _small_capitals():
    """Latin small capitals ("ᴀ", "ʙ", "ꜱ"), that confusables.txt gives as look-alikes of no
    letter or of another small capital: each is the letter it is named for."""
    found = {}
    for cp in range(0x250, 0xAB70):  # IPA Extensions to Latin Extended-E
        name = unicodedata.name(chr(cp), "")
        letter = name.removeprefix("LATIN LETTER SMALL CAPITAL ")
        if letter != name and len(letter) == 1:
            found[cp] = letter.lower()
    return found


@cache
def _lookalikes():
    """str.translate's table: look-alike -> its prototype (decomposed)."""
    letters = set("".join(_data("languages.json").values()))
    script = _Scripts()
    lettered_scripts = {script(c) for c in letters} - SHARED_SCRIPTS
    table = {
        ord(char): unicodedata.normalize("NFD", prototype)
        for char, prototype in _prototypes(_data("confusables.json"), letters).items()
        if not _keeps(char, prototype, script, letters, lettered_scripts)
    }
    return table | _small_capitals()


def forms(text):
    """The text folded (see above), case first and look-alikes first."""
    if text.isascii():
        return (text.casefold(),) * 2
    plain = unicodedata.normalize("NFKD", _invisible().sub("", text))
    case_first = plain.casefold().translate(_lookalikes())
    lookalikes_first = plain.translate(_lookalikes()).casefold()
    stray = _stray_diacritics()
    return tuple(
        stray.sub("", unicodedata.normalize("NFD", form)) for form in (case_first, lookalikes_first)
    )


def key(word):
    """What the matcher reads of a word: words with one key match the same text; a word
    whose key is empty (invisible characters only) matches nothing."""
    return tuple(" ".join(form.split()) for form in forms(word))


@cache
def _run_pattern(beyond_the_bmp):
    return re.compile(rf"[\w{_marks(beyond_the_bmp)}]+")


def _runs(form):
    """The regex of a run of word characters and the marks on them (where a word may start
    or end), that will do for this form."""
    return _run_pattern(not form.isascii() and _beyond_the_bmp().search(form) is not None)


@cache
def _beyond_the_bmp():
    return re.compile("[\U00010000-\U0010ffff]")


@cache
def _diacritic():
    return re.compile(f"[{DIACRITICS}]")


def _bare(text):
    """Text without its diacritics."""
    return text if text.isascii() else _diacritic().sub("", text)


def _regex(form):
    """A folded word as a regex: whatever spaces between its words, any extra diacritics
    after each of its characters."""
    words = ("".join(f"{re.escape(char)}[{DIACRITICS}]*" for char in part) for part in form.split())
    return re.compile(r"\s+".join(words))


def _in_a_run(runs, form, index):
    """Whether form[index] is a word character or a mark: not where a word may end."""
    return 0 <= index < len(form) and runs.match(form, index) is not None


class _Index:
    """The words of a list by their first run of letters without diacritics, so that each
    run of the text looks up the few words that may start there, whatever the length of
    the list. A word that is one run without diacritics is found by that lookup alone;
    others (phrases, "c++", accents) are then matched by their regex."""

    def __init__(self, forms_and_words):
        self.whole = {}
        self.by_start = {}
        self.elsewhere = []  # words that start with no letter ("+1"): searched for whole
        for form, word in forms_and_words:
            start = _runs(form).match(form)
            if start is None:
                self.elsewhere.append((_regex(form), word))
            elif start.end() == len(form) and _bare(form) == form:
                self.whole[form] = word
            else:
                self.by_start.setdefault(_bare(start.group()), []).append((_regex(form), word))

    def search(self, form, found):
        runs = _runs(form)
        for bare in dict.fromkeys(map(_bare, runs.findall(form))):
            if bare in self.whole:
                _add(found, self.whole[bare])
        if self.by_start:
            for run in runs.finditer(form):
                self._search_from(run, runs, found)
        for regex, word in self.elsewhere:
            for match in regex.finditer(form):
                if not (
                    _in_a_run(runs, form, match.start() - 1) or _in_a_run(runs, form, match.end())
                ):
                    _add(found, word)

    def _search_from(self, run, runs, found):
        form = run.string
        for regex, word in self.by_start.get(_bare(run.group()), ()):
            match = regex.match(form, run.start())
            if match and not _in_a_run(runs, form, match.end()):
                _add(found, word)


def _add(found, word):
    if word not in found:
        found.append(word)


class WordMatcher:
    """The words of a list found in a text, named as the list has them."""

    def __init__(self, words):
        keys = {}
        for word in words:
            keys.setdefault(key(word), word)
        keys.pop(("", ""), None)
        self.case_first = _Index((k[0], word) for k, word in keys.items())
        self.same_forms = all(k[0] == k[1] for k in keys)
        self.lookalikes_first = (
            self.case_first if self.same_forms else _Index((k[1], word) for k, word in keys.items())
        )

    def find(self, text):
        """The list's words that the text contains, each once."""
        case_first, lookalikes_first = forms(text)
        found = []
        self.case_first.search(case_first, found)
        if not (self.same_forms and lookalikes_first == case_first):
            self.lookalikes_first.search(lookalikes_first, found)
        return found


@lru_cache(maxsize=8)
def word_matcher(words):
    """The matcher of a word list (a tuple), compiled once per process and list."""
    return WordMatcher(words)
