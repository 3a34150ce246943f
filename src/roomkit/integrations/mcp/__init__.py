"""An MCP server (official ``mcp`` SDK, 2.x) letting AI assistants act on RoomKit rooms.

Needs the ``mcp`` extra: ``pip install 'roomkit[mcp]'``. Serve a kit over stdio with
``python -m roomkit.integrations.mcp --app my_module:kit``.
"""

from __future__ import annotations

try:
    from mcp.server.mcpserver import MCPServer  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "roomkit.integrations.mcp needs the MCP SDK (2.x); install it with: "
        "pip install 'roomkit[mcp]'"
    ) from exc

from roomkit.integrations.mcp.server import DEFAULT_MCP_CHANNEL_ID, RoomTools, create_mcp_server

__all__ = ["DEFAULT_MCP_CHANNEL_ID", "RoomTools", "create_mcp_server"]
