"""Text a person types as a name: a category, a tag, a code or key they choose.

Every service reads such text one way, so the same name is the same everywhere:

- NFKC-normalised (full-width letters are ASCII letters, ``㈱`` is ``(株)``), trimmed, and
  runs of spaces inside collapsed to one;
- control characters (U+0000-U+001F, U+007F-U+009F, tabs and newlines included), line and
  paragraph separators, and invisible format characters (bidi overrides) are refused; the
  zero-width joiners that some scripts and emoji spell with stay allowed;
- empty or blank is refused, and the length is counted after normalisation.

``Label(n)`` is any script (``营销活动``, ``Kampagne``); ``Label(n, fold=True)`` also case-folds,
so ``Launch`` and ``launch`` are one value (for categories that filters and policies match
on, and keys that other records refer to); ``spaces=False`` makes it one word (a key).
``Identifier(n)`` is a name that formulas use as a variable: a lower-case identifier as
Python reads one after NFKC (``revenue``, ``营收``; Python's parser applies NFKC to names too,
so a formula and the stored code agree).

Titles and bodies are not names: they keep what was typed (NFKC would turn Chinese
full-width punctuation into ASCII), so they do not use these types.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

_JOINERS = frozenset("\u200c\u200d")  # ZWNJ and ZWJ: part of the spelling in several scripts
_REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
RAW_FACTOR = 4
"""Text longer than this many times the limit before normalisation is refused unread."""


def clean(value: str, *, max_length: int, fold: bool = False, spaces: bool = True) -> str:
    """``value`` as a name is kept, or an error saying why it cannot be one (too long and
    blank with pydantic's own error types, as for any string field)."""
    if len(value) > max_length * RAW_FACTOR:
        raise _too_long(max_length, len(value))
    text = unicodedata.normalize("NFKC", value)
    if fold:
        text = unicodedata.normalize("NFKC", text.casefold())
    for character in text:
        if unicodedata.category(character) in _REFUSED and character not in _JOINERS:
            name = unicodedata.name(character, "")
            what = f"U+{ord(character):04X}" + (f" {name}" if name else "")
            raise ValueError(
                f"may not contain {what}: control and invisible characters are refused"
            )
    text = " ".join(text.split())
    if not text:
        raise PydanticCustomError(
            "string_too_short", "may not be empty or blank", {"min_length": 1}
        )
    if not spaces and " " in text:
        raise ValueError("one word, without spaces (join words with - or _)")
    if len(text) > max_length:
        raise _too_long(max_length, len(text))
    return text


def _too_long(max_length: int, length: int) -> PydanticCustomError:
    return PydanticCustomError(
        "string_too_long",
        "at most {max_length} characters after NFKC normalisation, not {length}",
        {"max_length": max_length, "length": length},
    )


def _description(kind: str, max_length: int, extra: str) -> str:
    return (
        f"{kind}: NFKC-normalised, trimmed, inner spaces collapsed; no control or invisible "
        f"characters; 1 to {max_length} characters counted after normalisation{extra}."
    )


@dataclass(frozen=True)
class _Bounded:
    """What ``Label`` and ``Identifier`` share: pydantic calls the instance after the type's
    own check, and their JSON schema states the bounds and says what the value is."""

    max_length: int

    def __call__(self, value: str) -> str:
        raise NotImplementedError

    def _describe(self) -> str:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        document = handler(schema)
        document.update(minLength=1, maxLength=self.max_length)
        document.setdefault("description", self._describe())
        return document


@dataclass(frozen=True)
class Label(_Bounded):
    """A name in any script, as ``Annotated[str, Label(64)]``; see the module docstring."""

    fold: bool = False
    spaces: bool = True

    def __call__(self, value: str) -> str:
        return clean(value, max_length=self.max_length, fold=self.fold, spaces=self.spaces)

    def _describe(self) -> str:
        extra = "; case-folded (`Launch` is `launch`)" if self.fold else ""
        extra += "" if self.spaces else "; one word, no spaces"
        return _description("Any script", self.max_length, extra)


@dataclass(frozen=True)
class Identifier(_Bounded):
    """A name formulas use as a variable, as ``Annotated[str, Identifier(64)]``: NFKC, then a
    lower-case identifier as Python reads one (letters of any script, digits, ``_``; not
    starting with a digit). Lower case only, so no two codes differ by case alone."""

    def __call__(self, value: str) -> str:
        text = clean(value, max_length=self.max_length)
        if not text.isidentifier():
            raise ValueError(
                "letters of any script, digits and _ only, not starting with a digit "
                "(it is a name formulas use)"
            )
        if text != text.lower():
            raise ValueError("lower case only (a formula tells Revenue from revenue)")
        return text

    def _describe(self) -> str:
        return _description(
            "A name formulas use",
            self.max_length,
            "; a lower-case identifier (letters of any script, digits, _; not starting "
            "with a digit), e.g. `revenue` or `营收`",
        )
