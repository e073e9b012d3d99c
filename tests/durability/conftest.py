from __future__ import annotations

import pytest

# The browser fixtures, for the kill-during-save test (Chromium; fails, not skips, under CI).
from tests.browser.conftest import browser, page_factory  # noqa: F401
from tests.security.world import World, build_world


@pytest.fixture
def world(app) -> World:
    return build_world(app)
