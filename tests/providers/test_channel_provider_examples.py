"""The Elastic Email, Messenger and HTTP webhook examples run offline and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LIVE_VARIABLES = (
    "ELASTICEMAIL_API_KEY",
    "MESSENGER_PAGE_TOKEN",
    "MESSENGER_RECIPIENT_ID",
    "ROOMKIT_WEBHOOK_URL",
)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("elasticemail.py", "In-Reply-To: <CAF3d9w2@mail.example.org>"),
        ("facebook_messenger.py", "[delivery: delivered]"),
        ("http_webhook.py", "status of crm-17: read"),
    ],
)
def test_example_runs_offline(script: str, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in LIVE_VARIABLES}

    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )

    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "offline demo" in done.stdout
