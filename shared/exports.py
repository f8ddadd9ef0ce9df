"""CSV the system writes, safe to open in a spreadsheet (OWASP's CSV injection advice).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, WPS and LibreOffice as a formula. Such a cell is written with a leading apostrophe,
which spreadsheets take as "this is text" and do not show, so a person reads the same
name. A plain number (``-120.50``, ``+3``) is no formula and stays a number. Rows end in CRLF
(RFC 4180), so the csv module quotes every cell holding a separator, a quote, a line feed or
a carriage return: a lone ``\r`` in a name cannot split its row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def safe_cell(value: object) -> str:
    """The cell's text, neutralised when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV document (header first, CRLF line ends) with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()
