"""Prometheus metrics, defined once per process and labelled by service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "spearhead_http_requests_total",
    "HTTP requests handled",
    ["service", "method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "spearhead_http_request_seconds", "HTTP request latency", ["service", "method", "route"]
)
OUTBOX_SENT = Counter("spearhead_outbox_sent_total", "Outbox rows relayed", ["schema"])
OUTBOX_PENDING = Gauge("spearhead_outbox_pending", "Outbox rows not yet relayed", ["schema"])
EVENTS_APPLIED = Counter(
    "spearhead_events_applied_total", "Events applied by consumers", ["consumer", "outcome"]
)
EVENTS_DEAD_LETTERED = Counter(
    "spearhead_events_dead_lettered_total", "Events sent to a dead-letter topic", ["consumer"]
)
