"""Each AI vendor module names its extra when the SDK is missing; roomkit imports without them."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCK_ALL = (
    "import sys\n"
    "for name in ('anthropic', 'openai', 'google.genai', 'mistralai'):\n"
    "    sys.modules[name] = None\n"
)


@pytest.mark.parametrize(
    ("module", "provider", "extra"),
    [
        ("roomkit.providers.anthropic", "AnthropicAIProvider", "anthropic"),
        ("roomkit.providers.openai", "OpenAIAIProvider", "openai"),
        ("roomkit.providers.gemini", "GeminiAIProvider", "gemini"),
        ("roomkit.providers.mistral", "MistralAIProvider", "mistral"),
    ],
)
def test_a_missing_sdk_names_the_extra_to_install(module: str, provider: str, extra: str) -> None:
    code = (
        f"{BLOCK_ALL}import roomkit, roomkit.providers.ai, roomkit.channels.ai\n"
        f"import {module}\n"
        f"print('config imported')\n"
        f"{module}.{provider}\n"
    )

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert run.returncode == 1
    assert run.stdout == "config imported\n"
    assert f"install it with: pip install 'roomkit[{extra}]'" in run.stderr


def test_the_configs_need_no_sdk() -> None:
    code = (
        f"{BLOCK_ALL}"
        "from roomkit.providers.anthropic import AnthropicConfig\n"
        "from roomkit.providers.gemini import GeminiConfig\n"
        "from roomkit.providers.mistral import MistralConfig\n"
        "from roomkit.providers.openai import OpenAIConfig\n"
        "print(AnthropicConfig(api_key='k').model, OpenAIConfig(api_key='k').model,"
        " GeminiConfig(api_key='k').model, MistralConfig(api_key='k').model)\n"
    )

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [
        "claude-sonnet-4-20250514",
        "gpt-4o",
        "gemini-2.0-flash",
        "mistral-large-latest",
    ]


def test_unknown_names_are_attribute_errors() -> None:
    import roomkit.providers.anthropic as package

    with pytest.raises(AttributeError, match="Nope"):
        package.Nope  # noqa: B018
