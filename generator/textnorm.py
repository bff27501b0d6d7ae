"""The text rules shared by anchoring and search (DESIGN.md, "Text rules").

One normalizer: an editor typing ی, ک or a ZWNJ must find ي, ك or no ZWNJ in a
seed, and a reader searching must find the same. The JavaScript twin in
templates/assets/ must give identical output; tests/text_vectors.json pins both.

Rules, in order, applied to each base character with the marks (category M) after it:
NFKC; drop nonspacing marks (harakat, tanwin, shadda, sukun, superscript alef)
and format characters (ZWNJ, ZWJ, bidi controls, soft hyphen); drop tatweel;
fold letter variants and the three digit systems; lower-case; every run of
white space (NBSP included) becomes one space.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import unicodedata
from dataclasses import dataclass

FOLDS = str.maketrans(
    {
        "ي": "ی", "ى": "ی", "ئ": "ی",
        "ك": "ک",
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ؤ": "و",
        "ة": "ه", "ۀ": "ه", "ہ": "ه", "ے": "ی",
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{chr(0x0660 + d): str(d) for d in range(10)},
    }
)
TATWEEL = "\u0640"
WHITESPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                       "\u200a\u2028\u2029\u202f\u205f\u3000")
"""The Unicode White_Space property, spelled out so that JavaScript can use the very same set."""


def _dropped(ch: str, category: str | None = None) -> bool:
    """Whether the rules drop the character (`category`: its Unicode category, when known)."""
    return ch == TATWEEL or (category or unicodedata.category(ch)) in ("Mn", "Cf")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _segments(text: str, begin: int = 0, stop: int | None = None):
    """Yield (start, end) of each base character together with the marks (category M) after it."""
    stop = len(text) if stop is None else stop
    start = begin
    for i in range(begin + 1, stop + 1):
        if i == stop or not _is_mark(text[i]):
            yield start, i
            start = i


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text and where each of its characters came from, in pieces: (start in the text,
    start in the original, None) for a piece copied one to one, or (…, ((start, end) of each
    character, …)) for one mapped character by character. Building per-character tables for whole
    articles would cost more than normalizing them; a few spans are ever asked for."""

    text: str
    pieces: tuple[tuple[int, int, tuple | None], ...]
    firsts: tuple[int, ...]
    """Each piece's start in the text, for bisect."""

    def span_of(self, at: int) -> tuple[int, int]:
        """The span of the original that character `at` of the text came from."""
        first, source, spans = self.pieces[bisect.bisect_right(self.firsts, at) - 1]
        if spans is None:
            return source + at - first, source + at - first + 1
        return spans[at - first]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalized text back to the original."""
        return self.span_of(start)[0], self.span_of(end - 1)[1]


def _mapped(out: list[str], pieces: list[tuple]) -> Normalized:
    return Normalized("".join(out), tuple(pieces), tuple(first for first, _, _ in pieces))


def normalize_mapped(text: str) -> Normalized:
    """`text` normalized with the map back to it. Stretches the rules map one to one (letters, digits,
    punctuation, single spaces) are translated whole; only the places between them (marks, dropped
    characters, runs of white space, compatibility forms) go segment by segment. The result equals
    normalize_segments(text) (tests prove it), at a fraction of the cost."""
    if _SLOW.search(text):
        return normalize_segments(text)
    out: list[str] = []
    pieces: list[tuple] = []
    length, at = 0, 0
    for begin, end in _irregular_regions(text):
        if begin > at:
            out.append(text[at:begin].translate(_REGULAR))
            pieces.append((length, at, None))
            length += begin - at
        chars, starts, ends = [], [], []
        _segments_into(text, begin, end, chars, starts, ends)
        if chars:
            out.append("".join(chars))
            pieces.append((length, begin, tuple(zip(starts, ends))))
            length += len(chars)
        at = end
    if at < len(text):
        out.append(text[at:].translate(_REGULAR))
        pieces.append((length, at, None))
    return _mapped(out, pieces)


def _irregular_regions(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that the rules do not map one to one, widened so that each starts at a base
    character and neither starts nor ends beside white space (a space there would join theirs)."""
    regions: list[tuple[int, int]] = []
    for found in _IRREGULAR.finditer(text):
        begin, end = found.span()
        if begin and (text[begin - 1] in WHITESPACE or _is_mark(text[begin])):
            begin -= 1
        if end < len(text) and text[end] in WHITESPACE:
            end += 1
        if regions and begin <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
        else:
            regions.append((begin, end))
    return regions


def normalize_segments(text: str) -> Normalized:
    """The rules applied to each base character with its marks, one segment at a time."""
    chars, starts, ends = [], [], []
    _segments_into(text, 0, len(text), chars, starts, ends)
    return _mapped(chars, [(0, 0, tuple(zip(starts, ends)))])


def _segments_into(text: str, begin: int, stop: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    """Normalize text[begin:stop] segment by segment, a character at a time onto out/starts/ends."""
    for seg_start, seg_end in _segments(text, begin, stop):
        for ch in unicodedata.normalize("NFKC", text[seg_start:seg_end]):
            if _dropped(ch):
                continue
            ch = ch.translate(FOLDS).lower()
            if ch in WHITESPACE:
                if out and out[-1] == " ":
                    ends[-1] = seg_end
                    continue
                ch = " "
            for c in ch:
                out.append(c)
                starts.append(seg_start)
                ends.append(seg_end)


def _tables():
    """Translation tables over all of Unicode: characters to drop, and per-character lower case; the
    characters the rules map one to one whatever follows them (see normalize_mapped)."""
    drop, lower, one_to_one = {}, {}, []
    category, is_normalized = unicodedata.category, unicodedata.is_normalized
    for cp in (*range(0x40000), *range(0xE0000, 0xE1000)):  # planes 4-13 and 15-16 hold no such characters
        ch = chr(cp)
        kind = category(ch)
        if _dropped(ch, kind):
            drop[cp] = None
            continue
        low = ch.lower()
        if low != ch:
            lower[cp] = low
        if kind[0] != "M" and kind != "Cs" and len(low) == 1 and is_normalized("NFKC", ch) and ch not in WHITESPACE:
            one_to_one.append(cp)
    return drop, lower, one_to_one


def _char_class(codepoints, negated: bool = False) -> str:
    """A regular expression class of the code points (or of all others), as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return ("[^" if negated else "[") + body + "]"


_DROP, _LOWER, _ONE_TO_ONE_CODEPOINTS = _tables()
_SPACE_CODEPOINTS = [ord(ch) for ch in WHITESPACE]
_IRREGULAR = re.compile(_char_class(_ONE_TO_ONE_CODEPOINTS + _SPACE_CODEPOINTS, negated=True) + "+|"
                        + _char_class(_SPACE_CODEPOINTS) + "{2,}")
"""What normalize_mapped cannot translate whole: characters not mapped one to one, runs of white space."""
_FOLD_ALL = _DROP | _LOWER | FOLDS
"""Dropping, folding and lower case in one pass: no character one of them changes is changed by
another (İ lowers to i + U+0307, a dropped mark, which the rules keep, as this does)."""
_REGULAR = dict.fromkeys(_SPACE_CODEPOINTS, " ") | _LOWER | FOLDS
"""The rules for characters mapped one to one, as one table: folds before lower case."""
_SPACES = re.compile("[" + "".join(sorted(WHITESPACE)) + "]+")
_SLOW = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")
"""Hangul jamo compose across what the rules treat as separate characters: those texts take the slow path."""


def normalize(text: str) -> str:
    """Fold `text` to the form used for matching (see module docstring).

    Equal to normalize_mapped(text).text (tests prove it), but works on the whole string
    at once: indexing tens of thousands of articles needs the speed.
    """
    if _SLOW.search(text):
        return normalize_mapped(text).text
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD_ALL)
    return _SPACES.sub(" ", folded)


# --- hidden characters in seeds ---------------------------------------------------------------

HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Characters a seed may carry that no reader should get: C0 and C1 controls (not tab or line ends),
bidi embeddings and overrides (they reorder the text around them), bidi isolates when unpaired,
and a byte order mark inside the text. ZWNJ, ZWJ, LRM, RLM and ALM are text and always kept."""
ISOLATE_OPEN, ISOLATE_CLOSE = "\u2066\u2067\u2068", "\u2069"
CONTROL_NAMES = {"\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\x1b": "ESCAPE", "\x7f": "DELETE"}


def character_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, CONTROL_NAMES.get(ch, 'CONTROL CHARACTER'))}"


def hidden_characters(text: str):
    """Yield (line, column, character) of each hidden character in a seed (see HIDDEN); paired
    isolates on one line (LRI … PDI) are text direction done right and are not reported."""
    if not HIDDEN.search(text):
        return
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        found, opened = [], []
        for column, ch in enumerate(line, start=1):
            if ch in ISOLATE_OPEN:
                opened.append((column, ch))
            elif ch == ISOLATE_CLOSE and opened:
                opened.pop()
            elif HIDDEN.match(ch):
                found.append((column, ch))
        for column, ch in sorted(found + opened):
            yield number, column, ch


# --- words for search ------------------------------------------------------------------------
#
# Search reads text as a Persian or Arabic reader does, which the shared normalizer cannot (it
# serves anchoring too, where a ZWNJ typed or not must find the same passage): a ZWNJ, like a
# space, separates a Persian word from its suffix («هسته‌ای», «کتاب ها»), and the suffix then goes;
# می/نمی before a verb goes; auxiliaries and function words do not count (tests/reference/ holds
# Lucene's and hazm's own vectors for these rules; README, "Search", says where we differ).

PREFIXES = ("وال", "بال", "کال", "فال", "لل", "ال")
"""Arabic definite article with its clitics (normalized: ك is ک), longest first."""
SUFFIXES = ("هایی", "ترین", "شان", "های", "ها", "تر", "یی", "ان", "ات", "ش", "ی")
"""Persian plural, ezafe, comparative, adjectival and possessive suffixes (and the Arabic feminine
plural), longest first; they come off one after another (کتابهایشان is کتاب), as Lucene's and hazm's
Persian stemmers take them. Both sides of the search go the same way, so گزارش and گزارشها both end
as گزار; what this conflates in the digest's own text is nearly all meant (رهبری رهبر, شمالی شمال,
کشورش کشور), and the one known loss is نظامی with نظام."""
MIN_STEM = {"ها": 2, "های": 2, "هایی": 2}
"""Letters a stem must keep; 3 unless listed (a plural ها is safe to strip from a two-letter word)."""
GLUED_VERB_ENDINGS = ("د", "م", "ت")
"""A می/نمی written onto a word ending so, with 3 letters after it, is a verb's (میگفت, نمیدانم); not
on words like میزبانی, میانه or میز, which a looser rule would cut."""
SEPARATE_SUFFIXES = frozenset({"ها", "های", "هایی", "ای", "ی", "یی", "تر", "ترین", "اش"})
"""Persian suffixes written apart from their word (after a space or a ZWNJ): the word before is the word."""
VERB_PREFIXES = frozenset({"می", "نمی"})
VERB_ENDINGS = ("د", "م", "ی", "ه", "ت")
"""A word after a separate می/نمی that ends so is taken for its verb («می رود», «نمی‌کنم», «می‌خورده»,
«می گفت»); otherwise می stays a word («ماه می سال جدید»: May)."""
EXPANSIONS = {"\ufdfd": " بسم الله الرحمن الرحیم "}
"""Ligatures NFKC leaves whole: the words they stand for."""
STOP_WORDS = frozenset("""
و در به از که را با این ان برای تا یا هم نیز بر اما چه ایا همین همان دیگر
است هست نیست بود بوده باشد باشند شد شده شود شوند خواهد خواهند دارد دارند داشت داشتند
فی من الی عن ان التی الذی الذین هذا هذه ذلک تلک کان کانت قد لم لن لا ما هل او ثم حتی مع عند ذو ذی
""".split())
"""Persian and Arabic function words and auxiliaries (normalized): never a reason to find an article,
nor to miss one («آیا …», «هل …»). Not علی: Arabic «على» is one, but it is also the name Ali."""


_TOKENS = re.compile(r"[0-9]+|[^\W_0-9]+")
"""Runs of letters and of digits in normalized text (۲۰۱۹م is 2019 and م); everything else separates words."""
_REPEATS = re.compile(r"([\u0600-\u06ff])\1{2,}")
"""Three or more of one Arabic-script letter are one (سلاممم); two may be meant (سلامم). A run of one
character lies within one word, so the whole text is done at once."""


def search_words(text: str) -> list[str]:
    """The words search sees in raw text, normalized and not yet stemmed (see above)."""
    text = text.replace("\u200c", " ").replace("ئو", "و")  # سئوال is سؤال (سوال), مسئول is مسول
    for ligature, spelled in EXPANSIONS.items():
        text = text.replace(ligature, spelled)
    tokens = _TOKENS.findall(_REPEATS.sub(r"\1", normalize(text)))
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if token in SEPARATE_SUFFIXES and kept and kept[-1][0] not in "0123456789":
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in VERB_PREFIXES and following.endswith(VERB_ENDINGS):
            continue
        kept.append(token)
    return [token for token in kept if token not in STOP_WORDS]


def strip_prefix(word: str) -> str:
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    return word


LATIN_FOLDS = (("ph", "f"), ("kh", "h"), ("ch", "c"), ("k", "c"), ("q", "c"), ("y", "i"), ("oo", "u"), ("ou", "u"),
               ("w", "v"))
"""Transliteration variants of names in Latin letters, folded in this order (Shoygu/Shoigu, Knevici/
Knevichi, Sergey/Sergei); then doubled letters are one."""
_DOUBLED = re.compile(r"(.)\1+")


def latin_key(word: str) -> str:
    for spelled, folded in LATIN_FOLDS:
        word = word.replace(spelled, folded)
    return _DOUBLED.sub(r"\1", word)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Light stemming of a normalized Persian word: the Arabic article and a glued می off the front,
    suffixes off the end; a word in Latin letters is folded instead (latin_key)."""
    if word.isascii() and word.isalpha():
        return latin_key(word)
    word = strip_prefix(word)
    for prefix in VERB_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3 and word.endswith(GLUED_VERB_ENDINGS):
            word = word[len(prefix):]
            break
    while True:
        suffix = next((s for s in SUFFIXES if word.endswith(s) and len(word) - len(s) >= MIN_STEM.get(s, 3)), "")
        if not suffix:
            return word
        word = word[: -len(suffix)]


ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ین", "یه", "ه", "ی")
"""Lucene's light10 suffixes (normalized: ة is ه, ي is ی), each tried once, in this order."""
CLITICS = {"و": 3, "ب": 4, "ف": 4, "ک": 4, "ل": 4}
"""A conjunction or preposition written onto the word, and the letters that must remain after it
(و as Lucene; the others, which Lucene leaves, need one more: بيان is not ب + يان)."""


@functools.lru_cache(maxsize=1 << 16)
def stem_arabic(word: str) -> str:
    """Light stemming of a normalized word of Arabic text (Lucene's light10, and ب ف ک ل): only for
    text known to be Arabic, since on Persian words it would make وزیر زیر and هسته هست."""
    if word.isascii() and word.isalpha():
        return latin_key(word)
    stripped = strip_prefix(word)
    article = stripped != word
    for suffix in ARABIC_SUFFIXES:
        if stripped.endswith(suffix) and len(stripped) - len(suffix) >= 3:
            stripped = stripped[: -len(suffix)]
    # A clitic after the suffixes, so that its guard sees the stem: كبيرة is not ك + بير.
    if not article and len(stripped) - 1 >= CLITICS.get(stripped[:1], 99):
        stripped = stripped[1:]
    return stripped


ARABIC_MARK = "^"
"""Ends every term of Arabic text. Arabic stemming makes وزير زیر, which must not find the Persian زیر
(under): Persian and Arabic text keep apart terms, and a query looks up each word both ways
(query_terms), so that وزیر typed in Persian still finds وزير in an Arabic article."""


def term_of(word: str, lang: str | None = None) -> str:
    """The index term of a search word in text of `lang` ("ar": stem_arabic and the mark; Persian,
    Latin or unknown: stem)."""
    return sys.intern(stem_arabic(word) + ARABIC_MARK) if lang == "ar" else stem(word)  # one copy per term, not per use


def terms(text: str, lang: str | None = None) -> list[str]:
    """What search indexes: search_words, each as term_of."""
    return [term_of(w, lang) for w in search_words(text)]


def query_terms(word: str) -> tuple[str, str]:
    """The terms a query word may be in the index: as a word of Persian text and of Arabic text."""
    return term_of(word, "fa"), term_of(word, "ar")
