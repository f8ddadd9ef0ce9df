from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.kit.support import Kit, create_kit, drop_kit


@pytest.fixture
async def kit(database_url: str) -> AsyncIterator[Kit]:
    created = await create_kit(database_url)
    yield created
    await drop_kit(created)
