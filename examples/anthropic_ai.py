"""Claude answers a WebSocket user, calls a tool, then streams a reply.

Needs a real key: ``ANTHROPIC_API_KEY=sk-ant-... python examples/anthropic_ai.py``
(``ANTHROPIC_MODEL`` and ``ANTHROPIC_BASE_URL`` are optional). Without a key the
script explains how to set one and exits without touching the network. The
conversation itself is in ``_ai_demo.py``, shared with ``openai_ai.py``.
"""

from __future__ import annotations

import asyncio
import os

from _ai_demo import explain_missing_key, run_demo


async def main(api_key: str) -> None:
    """Build the Anthropic provider and run the demo conversation."""
    from roomkit.providers.anthropic import AnthropicAIProvider, AnthropicConfig

    config = AnthropicConfig(
        api_key=api_key,
        model=os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-20250514"),
        base_url=os.environ.get("ANTHROPIC_BASE_URL"),
    )
    await run_demo(AnthropicAIProvider(config), "claude")


if __name__ == "__main__":
    key = os.environ.get("ANTHROPIC_API_KEY")
    if not key:
        explain_missing_key(
            "Anthropic",
            "https://console.anthropic.com/",
            "ANTHROPIC_API_KEY=sk-ant-... python examples/anthropic_ai.py",
            "anthropic",
        )
    else:
        asyncio.run(main(key))
