"""How knowledge-base text and queries are cut into search tokens: CJK unigrams and bigrams
with positions, English words lower-cased (full-width folded), a contiguous Chinese run as a
phrase, English prefixes, and a query of nothing searchable as no query."""

from __future__ import annotations

from collab.service import search_tokens


def wide(text: str) -> str:
    """``text`` in full-width forms, as a Chinese input method may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_text_is_read_as_cjk_unigrams_bigrams_and_words() -> None:
    pairs, after = search_tokens.tokens("营销活动 Stand-" + wide("UPS") + " 2027年")
    assert pairs == [
        ("营", 1),
        ("销", 2),
        ("活", 3),
        ("动", 4),
        ("营销", 1),
        ("销活", 2),
        ("活动", 3),
        ("stand", 5),
        ("ups", 6),
        ("2027", 7),
        ("年", 8),
    ]
    assert after == 9
    assert search_tokens.vector("营销", "营销 plan") == "'营':1A,3 '销':2A,4 '营销':1A,3 'plan':5"


def test_a_query_is_read_the_same_way() -> None:
    assert search_tokens.query("营") == "'营'"
    assert search_tokens.query("营销") == "'营销'"
    assert search_tokens.query("营销活动") == "('营销' <-> '销活' <-> '活动')"
    assert search_tokens.query("Specs 100") == "'specs':* & '100'"
    assert search_tokens.query("%_ \uff01") is None
