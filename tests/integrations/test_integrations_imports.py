"""Optional dependencies: the integrations package imports without them, sub-modules say why."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import roomkit.integrations

BLOCKED = """
import sys
for name in ("starlette", "uvicorn", "mcp"):
    sys.modules[name] = None  # makes "import name" raise ImportError
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCKED + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )


def test_the_base_package_needs_no_extra() -> None:
    result = _run(
        """
        sys.modules["nacl"] = sys.modules["cryptography"] = None
        import roomkit, roomkit.integrations
        assert "starlette" not in sys.modules or sys.modules["starlette"] is None
        print(roomkit.integrations.GenericWebhookVerifier.__name__)
        try:
            roomkit.integrations.TelnyxWebhookVerifier("a2V5")
        except ImportError as exc:
            print(exc)
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "GenericWebhookVerifier"
    assert "pip install 'roomkit[pynacl]'" in lines[1]


def test_each_sub_module_names_the_extra_to_install() -> None:
    for module, extra in (("asgi", "server"), ("mcp", "mcp")):
        result = _run(f"import roomkit.integrations.{module}")
        assert result.returncode == 1
        assert f"pip install 'roomkit[{extra}]'" in result.stderr


def test_all_lists_what_the_package_exports() -> None:
    public = {n for n in dir(roomkit.integrations) if not n.startswith("_")}
    modules = {"webhooks", "schemas", "asgi", "mcp", "annotations", "verifiers"}
    assert set(roomkit.integrations.__all__) == public - modules
