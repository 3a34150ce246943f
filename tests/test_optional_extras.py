"""The persistence and scale-out modules name the extra to install when a driver is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "dependency", "extra"),
    [
        ("roomkit.store.postgres", "asyncpg", "postgres"),
        ("roomkit.scale.locks", "redis", "redis"),
        ("roomkit.scale.realtime", "redis", "redis"),
    ],
)
def test_a_missing_driver_names_the_extra_to_install(
    module: str, dependency: str, extra: str
) -> None:
    code = (
        f"import sys; sys.modules[{dependency!r}] = None\n"
        "import roomkit, roomkit.scale\n"
        f"import {module}\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert run.returncode == 1
    assert f"install it with: pip install 'roomkit[{extra}]'" in run.stderr
