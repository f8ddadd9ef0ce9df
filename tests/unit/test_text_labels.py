"""Names and codes in any script (shared/text.py): a label is NFKC-normalised, trimmed and
length-checked after normalisation, control and invisible characters refused; an identifier
(a KPI code) is a lower-case name in any script after NFKC."""

from __future__ import annotations

import pytest

from shared.text import Identifier, Label, clean


def wide(text: str) -> str:
    """``text`` in full-width forms, as a Chinese input method may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_a_label_is_normalised_and_length_checked_after_nfkc() -> None:
    assert clean("  营销\u3000活动  ", max_length=64) == "营销 活动"  # ideographic space, trimmed
    assert clean("ﾏｰｹﾃｨﾝｸﾞ", max_length=64) == "マーケティング"  # half-width katakana
    assert Label(64, fold=True)(wide("LAUNCH")) == "launch"
    assert clean("e\u0301" * 64, max_length=64) == "é" * 64  # 128 typed, 64 after NFKC
    assert clean("㍿" * 16, max_length=64) == "株式会社" * 16  # 16 typed, 64 after NFKC
    for refused in ("㍿" * 17, "营销\u0007活动", "营销\n活动", "abc\u202edef", "\u3000", ""):
        with pytest.raises(ValueError):
            clean(refused, max_length=64)
    assert clean("👩\u200d💻", max_length=64) == "👩\u200d💻"  # a joiner spells, it stays


def test_an_identifier_is_a_lower_case_name_in_any_script_after_nfkc() -> None:
    code = Identifier(64)
    assert code("营收") == "营收"
    assert code(wide("revenue")) == "revenue"
    assert code("ﬁ" * 32) == "fi" * 32  # 32 typed, 64 after NFKC
    for refused in ("Revenue", "1st", "营收 额", "营\u0007收", "ﬁ" * 33, "a-b"):
        with pytest.raises(ValueError):
            code(refused)
