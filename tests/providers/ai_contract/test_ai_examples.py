"""The Anthropic and OpenAI examples: offline they explain, online they talk to the API.

"Online" here is the loopback server standing in for the vendor (the examples honour
``*_BASE_URL``), so the whole live path runs without the network.
"""

from __future__ import annotations

import asyncio
import copy
import os
import sys
from pathlib import Path

import pytest
from ai_loopback import LoopbackServer, json_reply
from ai_vendors import VENDORS, Vendor

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
LIVE = {
    "anthropic": ("anthropic_ai.py", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", ""),
    "openai": ("openai_ai.py", "OPENAI_API_KEY", "OPENAI_BASE_URL", "/v1"),
}
EXAMPLE_VENDORS = [v for v in VENDORS if v.name in LIVE]


async def run(script: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / script),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def clean_env() -> dict[str, str]:
    names = {name for _, key, url, _ in LIVE.values() for name in (key, url)}
    return {k: v for k, v in os.environ.items() if k not in names}


def clock_call(vendor: Vendor) -> dict[str, object]:
    """The vendor's documented tool-call sample, turned into a call of ``current_time``."""
    sample = copy.deepcopy(vendor.samples["tool_call"])
    if vendor.name == "anthropic":
        sample["content"][1].update(name="current_time", input={})
    else:
        sample["choices"][0]["message"]["tool_calls"][0]["function"].update(
            name="current_time", arguments="{}"
        )
    return sample


@pytest.mark.parametrize("vendor", EXAMPLE_VENDORS, ids=repr)
async def test_without_a_key_the_example_explains_and_exits(vendor: Vendor) -> None:
    script, key, _, _ = LIVE[vendor.name]

    code, out, err = await run(script, clean_env())

    assert code == 0, err
    assert f"{key}=" in out
    assert "pip install 'roomkit[" in out


@pytest.mark.parametrize("vendor", EXAMPLE_VENDORS, ids=repr)
async def test_with_a_key_the_example_runs_the_live_path(
    vendor: Vendor, server: LoopbackServer
) -> None:
    script, key, base_url, suffix = LIVE[vendor.name]
    server.queue(json_reply(clock_call(vendor)), vendor.reply(), vendor.stream())
    env = {**clean_env(), key: "sk-example", base_url: server.url + suffix}

    code, out, err = await run(script, env)

    assert code == 0, err
    assert "Hello! How can I help you today?" in out
    assert "(used tools: ['current_time'])" in out
    assert "Hello! How can I help?" in out
    tool_results = vendor.view(server.requests[1]).tool_results
    assert [set(value) for _, value, _ in tool_results] == [{"utc"}]
