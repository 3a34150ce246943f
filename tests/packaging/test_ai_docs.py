"""roomkit.ai_docs reads the assistant guides from a checkout and from a built wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from roomkit import ai_docs

ROOT = Path(__file__).resolve().parents[2]


def test_guides_are_read_from_the_checkout() -> None:
    assert ai_docs.get_agents_md() == (ROOT / "AGENTS.md").read_text(encoding="utf-8")
    assert ai_docs.get_llms_txt() == (ROOT / "llms.txt").read_text(encoding="utf-8")
    combined = ai_docs.get_ai_context()
    assert combined.startswith("# RoomKit") and "AGENTS" not in combined[:10]
    assert ai_docs.get_agents_md() in combined


def test_a_missing_guide_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ai_docs, "_CHECKOUT_ROOT", tmp_path)
    with pytest.raises(FileNotFoundError, match="nope.md"):
        ai_docs._read("nope.md")


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def test_guides_are_packaged_in_the_wheel_and_readable_after_install(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    env = {**os.environ, "UV_NO_PROGRESS": "1"}
    subprocess.run(
        [*_uv(), "build", "--wheel", "--out-dir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    [wheel] = dist.glob("roomkit-*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    # pydantic comes from this environment's site-packages; roomkit itself from the wheel.
    subprocess.run(
        [*_uv(), "pip", "install", "--python", str(python), "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    site = next(Path(p) for p in sys.path if p.endswith("site-packages"))
    script = (
        "import roomkit.ai_docs as d, pathlib; "
        "print(pathlib.Path(d.__file__).parent); "
        "print(len(d.get_agents_md()), len(d.get_llms_txt()))"
    )
    done = subprocess.run(
        [str(python), "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(site)},
        timeout=60,
    )
    location, sizes = done.stdout.strip().splitlines()
    assert str(target) in location, "roomkit must come from the installed wheel"
    agents, llms = (ROOT / "AGENTS.md").read_text(), (ROOT / "llms.txt").read_text()
    assert sizes == f"{len(agents)} {len(llms)}"
