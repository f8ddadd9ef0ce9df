"""How the knowledge base, tickets and meetings are tokenised for search: pure, so the
migrations that backfill the token columns (0006 for articles, 0008 for tickets and meetings)
import this very module (tests/collab/test_chinese_search.py and
tests/collab/test_search_tickets_and_minutes.py check they agree). An article's title and
body, a ticket's title and description, a meeting's title and ``meeting_body`` are read.

Text is NFKC-normalised and case-folded (full-width letters are ASCII, ``STAND`` is
``stand``), then read as runs:

- a run of CJK characters (Han, kana, Hangul; Chinese has no spaces) gives every character
  (unigram) and every overlapping pair (bigram): ``营销活动`` gives 营 销 活 动 and 营销 销活
  活动, a character and the pair it starts sharing one position;
- a run of letters, digits and marks of any other script is one word (``stand-ups`` is
  ``stand`` and ``ups``); words are cut at ``MAX_WORD`` characters;
- anything else separates runs.

The tokens become a ``tsvector`` written as its literal (no text-search parser, whose idea of
a word depends on the server's locale), the title's tokens weighted ``A``. A query is read the
same way, every part required: one CJK character is its unigram, two are their bigram, a
longer CJK run is its bigrams in sequence (``营销 <-> 销活 <-> 活动``: only the contiguous
run matches), a word with a letter is a prefix (``spec`` finds ``specs``), a number is exact.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORD = 100
"""Longer words are cut, in text and query alike (a tsvector lexeme has a byte limit)."""
MAX_POSITION = 16383
"""Postgres's last tsvector position; later tokens are recorded there."""
MAX_POSITIONS = 256
"""Positions Postgres keeps per lexeme; later ones are not recorded."""

_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3005, 0x3007),  # iteration mark, closing mark, ideographic zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31A0, 0x31FF),  # bopomofo extended, katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x3134F),  # extensions B to G
)

CJK, WORD, OTHER = "c", "w", "o"


class _Kinds(dict[int, str]):
    """Code point -> its kind letter, computed once per character (``str.translate`` reads it,
    so a text's kinds are one C-speed pass)."""

    def __missing__(self, code: int) -> str:
        if any(low <= code <= high for low, high in _CJK_RANGES):
            kind = CJK
        elif unicodedata.category(chr(code))[0] in "LNM":
            kind = WORD
        else:
            kind = OTHER
        self[code] = kind
        return kind


_KINDS = _Kinds()
_RUN = re.compile(f"{CJK}+|{WORD}+")


def normalise(text: str) -> str:
    """NFKC, case folded, whitespace collapsed: the form search compares (titles too)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def runs(text: str) -> list[tuple[str, str]]:
    """The (kind, run) pairs of normalised ``text``: CJK runs and words, in order."""
    kinds = text.translate(_KINDS)
    return [
        (CJK, text[m.start() : m.end()])
        if kinds[m.start()] == CJK
        else (WORD, text[m.start() : min(m.end(), m.start() + MAX_WORD)])
        for m in _RUN.finditer(kinds)
    ]


def tokens(text: str, first: int = 1) -> tuple[list[tuple[str, int]], int]:
    """The (token, position) pairs of ``text`` from position ``first``, and the next free
    position."""
    found: list[tuple[str, int]] = []
    position = first
    for kind, run in runs(normalise(text)):
        if kind == CJK:
            found.extend(zip(run, range(position, position + len(run)), strict=True))
            pairs = [run[i : i + 2] for i in range(len(run) - 1)]
            found.extend(zip(pairs, range(position, position + len(pairs)), strict=True))
            position += len(run)
        else:
            found.append((run, position))
            position += 1
    return found, position


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def vector(title: str, body: str) -> str:
    """The ``tsvector`` literal of an article: the title's tokens (weight A), then the body's."""
    title_tokens, after_title = tokens(title)
    body_tokens, _ = tokens(body, after_title)
    positions: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    for weight, pairs in (("A", title_tokens), ("", body_tokens)):
        for token, position in pairs:
            at = position if position < MAX_POSITION else MAX_POSITION
            if last.get(token) == at:
                continue  # positions past the last one all land on it
            last[token] = at
            kept = positions.setdefault(token, [])
            if len(kept) < MAX_POSITIONS:
                kept.append(f"{at}{weight}")
    # Tokens are letters, digits, marks and CJK characters: no quote or backslash to escape.
    return " ".join(f"'{token}':{','.join(kept)}" for token, kept in positions.items())


def query(text: str) -> str | None:
    """The ``tsquery`` literal of a search, every part required; None when it has nothing to
    search for (only punctuation)."""
    parts: list[str] = []
    for kind, run in runs(normalise(text)):
        if kind == CJK and len(run) <= 2:
            parts.append(_quoted(run))
        elif kind == CJK:
            bigrams = [_quoted(run[i : i + 2]) for i in range(len(run) - 1)]
            parts.append("(" + " <-> ".join(bigrams) + ")")
        elif run.isdigit():
            parts.append(_quoted(run))
        else:
            parts.append(_quoted(run) + ":*")
    return " & ".join(parts) if parts else None


def meeting_body(goal: str, minutes: str | None) -> str:
    """What a meeting's search reads after its title: its goal, then its minutes once they
    are recorded."""
    return goal if minutes is None else f"{goal}\n{minutes}"
