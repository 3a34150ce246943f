"""Fixtures shared by the orchestrator tests (helpers live in ``pipeline_support``)."""

from __future__ import annotations

import pytest
from pipeline_support import FrameworkLog

from roomkit import RoomKit


@pytest.fixture
def framework_log(kit: RoomKit) -> FrameworkLog:
    """Every framework event the ``kit`` emits from now on."""
    log = FrameworkLog()
    kit.on("*")(log.record)
    return log
