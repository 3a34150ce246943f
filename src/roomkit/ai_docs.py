"""The guides RoomKit ships for AI coding assistants: ``AGENTS.md`` and ``llms.txt``.

In an installed wheel both files sit inside the ``roomkit`` package; in a source
checkout they sit at the repository root. These helpers find them in either place.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["get_agents_md", "get_ai_context", "get_llms_txt"]

_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def _read(name: str) -> str:
    packaged = resources.files("roomkit").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    in_checkout = _CHECKOUT_ROOT / name
    if in_checkout.is_file():
        return in_checkout.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{name} is neither packaged with roomkit nor in a checkout")


def get_agents_md() -> str:
    """Return ``AGENTS.md``: the API map, patterns and pitfalls for coding assistants."""
    return _read("AGENTS.md")


def get_llms_txt() -> str:
    """Return ``llms.txt``: the short index of RoomKit for language models."""
    return _read("llms.txt")


def get_ai_context() -> str:
    """Return both guides in one text, ready to paste into an assistant's context."""
    return f"{get_llms_txt().rstrip()}\n\n---\n\n{get_agents_md()}"
