"""Every example runs: the quickstart here, the others next to the code they show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


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
