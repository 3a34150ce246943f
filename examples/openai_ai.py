"""An OpenAI model answers a WebSocket user, calls a tool, then streams a reply.

Needs a real key: ``OPENAI_API_KEY=sk-... python examples/openai_ai.py``
(``OPENAI_MODEL`` and ``OPENAI_BASE_URL`` are optional). Without a key the
script explains how to set one and exits without touching the network. The
conversation itself is in ``_ai_demo.py``, shared with ``anthropic_ai.py``.
"""

from __future__ import annotations

import asyncio
import os

from _ai_demo import explain_missing_key, run_demo


async def main(api_key: str) -> None:
    """Build the OpenAI provider and run the demo conversation."""
    from roomkit.providers.openai import OpenAIAIProvider, OpenAIConfig

    config = OpenAIConfig(
        api_key=api_key,
        model=os.environ.get("OPENAI_MODEL", "gpt-4o"),
        base_url=os.environ.get("OPENAI_BASE_URL"),
    )
    await run_demo(OpenAIAIProvider(config), "gpt")


if __name__ == "__main__":
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        explain_missing_key(
            "OpenAI",
            "https://platform.openai.com/api-keys",
            "OPENAI_API_KEY=sk-... python examples/openai_ai.py",
            "openai",
        )
    else:
        asyncio.run(main(key))
