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
BATCH_SECONDS = Histogram(
    "spearhead_consumer_batch_seconds",
    "Time to apply one poll's messages as one transaction",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BATCH_SIZE = Histogram(
    "spearhead_consumer_batch_messages",
    "Messages in one poll applied as one transaction",
    ["consumer"],
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
