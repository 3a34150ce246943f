"""Loads ``examples/web_chat.py`` (examples are scripts, not a package) for its tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "web_chat.py"


def load_web_chat() -> ModuleType:
    """Import the example once and return it as a module."""
    module = sys.modules.get("roomkit_example_web_chat")
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location("roomkit_example_web_chat", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
