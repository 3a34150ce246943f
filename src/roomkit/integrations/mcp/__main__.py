"""``python -m roomkit.integrations.mcp --app module:kit``: serve a kit over MCP stdio.

``module:attribute`` names a :class:`~roomkit.RoomKit`, or a function (sync or async)
taking no arguments and returning one. The kit is closed when the client disconnects.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
import sys
from collections.abc import Sequence

import anyio

from roomkit.core.framework import RoomKit
from roomkit.integrations.mcp.server import DEFAULT_MCP_CHANNEL_ID, create_mcp_server

__all__ = ["load_kit", "main"]

logger = logging.getLogger("roomkit.integrations.mcp")


async def load_kit(target: str) -> RoomKit:
    """Import ``module:attribute`` and return the kit it names (calling a factory)."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise SystemExit(f"--app must look like 'module:attribute', not {target!r}")
    try:
        value: object = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"cannot load {target!r}: {exc}") from exc
    if callable(value) and not isinstance(value, RoomKit):
        value = value()
        if inspect.isawaitable(value):
            value = await value
    if not isinstance(value, RoomKit):
        raise SystemExit(f"{target!r} is a {type(value).__name__}, not a RoomKit")
    return value


async def _serve(target: str, name: str, channel_id: str) -> None:
    kit = await load_kit(target)
    async with kit:
        await create_mcp_server(kit, name=name, channel_id=channel_id).run_stdio_async()


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve the kit over stdio until the client leaves."""
    parser = argparse.ArgumentParser(
        prog="python -m roomkit.integrations.mcp",
        description="Serve a RoomKit over the Model Context Protocol on stdin/stdout.",
    )
    parser.add_argument("--app", required=True, help="the kit, as module:attribute")
    parser.add_argument("--name", default="roomkit", help="server name shown to clients")
    parser.add_argument(
        "--channel-id", default=DEFAULT_MCP_CHANNEL_ID, help="channel id of sent messages"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    anyio.run(_serve, args.app, args.name, args.channel_id)


if __name__ == "__main__":  # pragma: no cover - the module's entry point
    main()
