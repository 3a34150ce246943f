"""The public surface: ``roomkit.__all__``, RoomKit's method signatures, a bare import."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import roomkit
from roomkit import (
    Access,
    ChannelCategory,
    ConversationStore,
    EventType,
    HookEngine,
    HookExecution,
    HookTrigger,
    RealtimeBackend,
    RoomKit,
)

REQUIRED = inspect.Parameter.empty
VAR_KW = "**"

# Every public RoomKit method of the spec's "RoomKit Public API", written out: the
# parameter names in order (``self`` left out) with their defaults (``REQUIRED`` = none,
# ``VAR_KW`` = a ``**kwargs`` catch-all).
EXPECTED: dict[str, list[tuple[str, Any]]] = {
    "process_inbound": [("message", REQUIRED), ("room_id", None)],
    "process_webhook": [("meta", REQUIRED), ("channel_id", REQUIRED)],
    "process_delivery_status": [("status", REQUIRED)],
    "register_channel": [("channel", REQUIRED)],
    "attach_channel": [
        ("room_id", REQUIRED),
        ("channel_id", REQUIRED),
        ("channel_type", None),
        ("category", ChannelCategory.TRANSPORT),
        ("access", Access.READ_WRITE),
        ("visibility", "all"),
        ("kwargs", VAR_KW),
    ],
    "detach_channel": [("room_id", REQUIRED), ("channel_id", REQUIRED)],
    "mute": [("room_id", REQUIRED), ("channel_id", REQUIRED)],
    "unmute": [("room_id", REQUIRED), ("channel_id", REQUIRED)],
    "set_visibility": [("room_id", REQUIRED), ("channel_id", REQUIRED), ("visibility", REQUIRED)],
    "set_access": [("room_id", REQUIRED), ("channel_id", REQUIRED), ("access", REQUIRED)],
    "update_binding_metadata": [
        ("room_id", REQUIRED),
        ("channel_id", REQUIRED),
        ("metadata", REQUIRED),
    ],
    "get_channel": [("channel_id", REQUIRED)],
    "list_channels": [],
    "get_binding": [("room_id", REQUIRED), ("channel_id", REQUIRED)],
    "list_bindings": [("room_id", REQUIRED)],
    "create_room": [("room_id", None), ("metadata", None)],
    "get_room": [("room_id", REQUIRED)],
    "close_room": [("room_id", REQUIRED)],
    "check_room_timers": [("room_id", REQUIRED)],
    "check_all_timers": [],
    "update_room_metadata": [("room_id", REQUIRED), ("metadata", REQUIRED)],
    "ensure_participant": [
        ("room_id", REQUIRED),
        ("channel_id", REQUIRED),
        ("participant_id", REQUIRED),
        ("display_name", None),
    ],
    "resolve_participant": [
        ("room_id", REQUIRED),
        ("participant_id", REQUIRED),
        ("identity_id", REQUIRED),
        ("resolved_by", "manual"),
    ],
    "send_event": [
        ("room_id", REQUIRED),
        ("channel_id", REQUIRED),
        ("content", REQUIRED),
        ("event_type", EventType.MESSAGE),
        ("chain_depth", 0),
    ],
    "get_timeline": [
        ("room_id", REQUIRED),
        ("offset", 0),
        ("limit", 50),
        ("visibility_filter", None),
    ],
    "list_tasks": [("room_id", REQUIRED), ("status", None)],
    "list_observations": [("room_id", REQUIRED)],
    "connect_websocket": [
        ("channel_id", REQUIRED),
        ("connection_id", REQUIRED),
        ("send_fn", REQUIRED),
    ],
    "disconnect_websocket": [("channel_id", REQUIRED), ("connection_id", REQUIRED)],
    "mark_read": [("room_id", REQUIRED), ("channel_id", REQUIRED), ("event_id", REQUIRED)],
    "mark_all_read": [("room_id", REQUIRED), ("channel_id", REQUIRED)],
    "publish_typing": [("room_id", REQUIRED), ("user_id", REQUIRED), ("is_typing", True)],
    "publish_presence": [("room_id", REQUIRED), ("user_id", REQUIRED), ("status", REQUIRED)],
    "publish_read_receipt": [("room_id", REQUIRED), ("user_id", REQUIRED), ("event_id", REQUIRED)],
    "subscribe_room": [("room_id", REQUIRED), ("callback", REQUIRED)],
    "unsubscribe_room": [("subscription_id", REQUIRED)],
    "hook": [
        ("trigger", REQUIRED),
        ("execution", HookExecution.SYNC),
        ("priority", 0),
        ("name", ""),
        ("timeout", 30.0),
        ("channel_types", None),
        ("channel_ids", None),
        ("directions", None),
    ],
    "on": [("event_type", REQUIRED)],
    "identity_hook": [
        ("trigger", REQUIRED),
        ("channel_types", None),
        ("channel_ids", None),
        ("directions", None),
    ],
    "on_delivery_status": [("fn", REQUIRED)],
    "add_room_hook": [
        ("room_id", REQUIRED),
        ("trigger", REQUIRED),
        ("execution", REQUIRED),
        ("fn", REQUIRED),
        ("priority", 0),
        ("name", ""),
    ],
    "remove_room_hook": [("room_id", REQUIRED), ("name", REQUIRED)],
    "connect_voice": [
        ("room_id", REQUIRED),
        ("participant_id", REQUIRED),
        ("channel_id", REQUIRED),
        ("metadata", None),
    ],
    "disconnect_voice": [("session", REQUIRED)],
    "transcribe": [("audio", REQUIRED)],
    "synthesize": [("text", REQUIRED), ("voice", None)],
    "close": [],
}

ASYNC_METHODS = {
    name
    for name in EXPECTED
    if name
    not in {
        "register_channel",
        "get_channel",
        "list_channels",
        "hook",
        "on",
        "identity_hook",
        "on_delivery_status",
        "add_room_hook",
        "remove_room_hook",
    }
}

INIT_PARAMETERS: list[tuple[str, Any]] = [
    ("store", None),
    ("identity_resolver", None),
    ("identity_channel_types", None),
    ("inbound_router", None),
    ("lock_manager", None),
    ("realtime", None),
    ("max_chain_depth", 5),
    ("identity_timeout", 10.0),
    ("process_timeout", 30.0),
]


def _parameters(fn: Any) -> list[tuple[str, Any]]:
    params = list(inspect.signature(fn).parameters.values())[1:]  # drop self
    return [
        (p.name, VAR_KW if p.kind is inspect.Parameter.VAR_KEYWORD else p.default) for p in params
    ]


# --- __all__ ------------------------------------------------------------------------------


def test_all_lists_exactly_the_public_names_of_the_package() -> None:
    exported = {
        name
        for name, value in vars(roomkit).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and name != "annotations"  # the ``from __future__ import annotations`` flag
        and name not in roomkit._LAZY  # cached here once another test has used it
    }

    assert len(roomkit.__all__) == len(set(roomkit.__all__)), "duplicates in __all__"
    assert set(roomkit.__all__) - {"__version__"} == exported
    assert "__version__" in roomkit.__all__
    assert sorted(exported) == sorted(n for n in dir(roomkit) if n in exported)


def test_optional_dependency_providers_resolve_lazily_and_stay_out_of_all() -> None:
    lazy = roomkit._LAZY

    assert lazy, "vendor providers are exported lazily"
    assert not set(lazy) & set(roomkit.__all__)
    assert set(lazy) <= set(dir(roomkit))
    for name, module in lazy.items():  # the dev environment has every extra installed
        assert getattr(roomkit, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = roomkit.Nope  # type: ignore[attr-defined]


def test_every_name_in_all_is_importable() -> None:
    namespace: dict[str, Any] = {}

    exec("from roomkit import *", namespace)

    missing = [name for name in roomkit.__all__ if name not in namespace]
    assert missing == []
    assert isinstance(roomkit.__version__, str) and roomkit.__version__


# --- RoomKit methods ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_roomkit_method_signature_matches_the_spec(name: str) -> None:
    method = getattr(RoomKit, name, None)

    assert method is not None, f"RoomKit.{name} is missing"
    assert _parameters(method) == EXPECTED[name]
    assert inspect.iscoroutinefunction(method) is (name in ASYNC_METHODS)


def test_roomkit_constructor_matches_the_spec() -> None:
    parameters = list(inspect.signature(RoomKit.__init__).parameters.values())[1:]
    specified = [(p.name, p.default) for p in parameters[: len(INIT_PARAMETERS)]]

    assert specified == INIT_PARAMETERS
    extras = parameters[len(INIT_PARAMETERS) :]
    # Anything beyond the spec is optional and keyword-only, so spec calls keep working.
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in extras)
    assert all(p.default is not inspect.Parameter.empty for p in extras)


async def test_roomkit_properties(kit: RoomKit) -> None:
    for name in ("store", "hook_engine", "realtime"):
        assert isinstance(inspect.getattr_static(RoomKit, name), property)
    assert isinstance(kit.store, ConversationStore)
    assert isinstance(kit.hook_engine, HookEngine)
    assert isinstance(kit.realtime, RealtimeBackend)


async def test_hooks_registered_on_the_kit_live_in_its_hook_engine(kit: RoomKit) -> None:
    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="visible")
    async def visible(event: Any, ctx: Any) -> None:
        return None

    kit.add_room_hook(
        "room-1", HookTrigger.BEFORE_BROADCAST, HookExecution.SYNC, visible, name="room"
    )

    names = [h.name for h in kit.hook_engine.hooks_for(HookTrigger.BEFORE_BROADCAST, "room-1")]
    assert names == ["visible", "room"]


def test_decorators_return_the_function_unchanged(kit: RoomKit) -> None:
    async def fn(*args: Any) -> None:
        return None

    assert kit.hook(HookTrigger.AFTER_BROADCAST)(fn) is fn
    assert kit.on("room_created")(fn) is fn
    assert kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)(fn) is fn
    assert kit.on_delivery_status(fn) is fn


async def test_async_context_manager_returns_the_kit() -> None:
    kit = RoomKit()

    async with kit as entered:
        assert entered is kit


# --- importing without extras ----------------------------------------------------------------

OPTIONAL = (
    "httpx",
    "anthropic",
    "openai",
    "google",
    "mistralai",
    "numpy",
    "twilio",
    "websockets",
    "nacl",
    "phonenumbers",
    "asyncpg",
    "redis",
    "starlette",
    "mcp",
    "cryptography",
)


def test_import_roomkit_needs_no_optional_dependency() -> None:
    script = textwrap.dedent(
        f"""
        import importlib.abc, sys

        OPTIONAL = {OPTIONAL!r}

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in OPTIONAL:
                    raise ImportError(f"{{name}} is blocked in this test")
                return None

        sys.meta_path.insert(0, Block())
        import roomkit
        from roomkit import *  # noqa: F403
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in OPTIONAL)
        print("LOADED", loaded)
        """
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "LOADED []"
