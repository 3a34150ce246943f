"""Every example runs: the quickstart here, the others next to the code they show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import POSTGRES_DSN, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))


def test_quickstart_prints_the_conversation_and_the_blocked_message() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "user> Hello!" in out
    assert "[to browser browser-1] Hi! I'm the support bot." in out
    assert "(blocked: card numbers are not allowed in chat)" in out
    assert "Timeline of room support-1" in out
    assert "(blocked by card_filter, kept for audit)" in out
    assert "4111" not in out.split("Timeline")[1], "a blocked card number is never echoed"
    assert "Your order #1042 left our warehouse this morning." in out


def test_every_example_is_run_by_a_test() -> None:
    tests_text = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py")
    )
    untested = [path.name for path in EXAMPLES if path.name not in tests_text]

    assert EXAMPLES, "the examples directory is not empty"
    assert untested == []


def _run(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("WHATSAPP_")},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_whatsapp_example_runs_offline_and_records_the_read_receipt() -> None:
    out = _run("whatsapp_cloud.py")

    assert "X-Hub-Signature-256 checks out" in out
    assert "(interactive)" in out and "(template)" in out
    assert "bot: Yes! It also comes in blue and green. [delivery: read]" in out


def test_persistent_store_example_keeps_the_room_across_a_restart(tmp_path: Path) -> None:
    out = _run("persistent_store.py", str(tmp_path / "example.db"))

    assert "reopened room support-7 with 4 events" in out
    assert "the bot saw 3 messages of history" in out
    assert "#5 bot: Your blue one ships tomorrow." in out
    assert (tmp_path / "example.db").exists()


def test_multi_process_example_stores_each_message_once_across_two_workers() -> None:
    env = {
        **os.environ,
        "ROOMKIT_EXAMPLE_POSTGRES_DSN": POSTGRES_DSN,
        "ROOMKIT_EXAMPLE_REDIS_URL": REDIS_URL,
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "multi_process.py")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )

    assert done.returncode == 0, done.stderr
    if "example skipped" in done.stdout:
        if os.environ.get("ROOMKIT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL/Redis required but unavailable: {done.stdout.strip()}")
        pytest.skip(done.stdout.strip())
    stored = [int(n) for n in re.findall(r"stored (\d+), saw", done.stdout)]
    assert len(stored) == 2 and sum(stored) == 20  # every message exactly once
    assert done.stdout.count("indexes gap-free: True") == 2
