"""Log lines carry the correlation id of the work they belong to, and only that: asyncio's
reports (a task destroyed pending, an exception never retrieved) come from the garbage
collector or a loop callback, so they never take the id of the request running then."""

from __future__ import annotations

import json
import logging

from shared.logging import JsonFormatter, correlation_id


def _line(logger: str) -> dict[str, object]:
    record = logging.LogRecord(logger, logging.ERROR, __file__, 1, "a message", (), None)
    parsed: dict[str, object] = json.loads(JsonFormatter().format(record))
    return parsed


def test_a_request_line_has_its_id_and_an_asyncio_report_has_none() -> None:
    token = correlation_id.set("request-7")
    try:
        assert _line("spearhead.goals")["correlation_id"] == "request-7"
        assert "correlation_id" not in _line("asyncio")
    finally:
        correlation_id.reset(token)
    assert "correlation_id" not in _line("spearhead.goals")
