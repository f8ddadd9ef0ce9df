"""A relay in its own process, for tests that kill relays or run two of them.

python -m tests.kit.relay_process DATABASE_URL SCHEMA BOOTSTRAP [--crash-after-send]
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence

from sqlalchemy import MetaData

from shared.db import Database
from shared.kafka import KafkaPublisher
from shared.outbox import OutboxRelay, OutgoingMessage, outbox_table

CRASH_EXIT_CODE = 137


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("schema")
    parser.add_argument("bootstrap")
    parser.add_argument("--crash-after-send", action="store_true")
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()

    async def crash(_messages: Sequence[OutgoingMessage]) -> None:
        os._exit(CRASH_EXIT_CODE)  # sent to Kafka, not marked: the worst moment to die

    db = Database(args.database_url, schema=args.schema, pool_size=2)
    publisher = KafkaPublisher(args.bootstrap, send_timeout_s=10, client_id="test-relay")
    relay = OutboxRelay(
        db,
        outbox_table(MetaData(schema=args.schema)),
        publisher,
        batch_size=args.batch_size,
        poll_interval_s=0.2,
        after_send=crash if args.crash_after_send else None,
    )
    await relay.run()


if __name__ == "__main__":
    asyncio.run(main())
