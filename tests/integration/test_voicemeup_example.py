"""examples/voicemeup_sms.py runs offline and shows the merged MMS and the reply."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from roomkit.providers.voicemeup import configure_voicemeup_mms, voicemeup_mms_aggregator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "voicemeup_sms.py"


@pytest.fixture(autouse=True)
def reset_shared_aggregator() -> Iterator[None]:
    """The example configures the module-level aggregator: restore it afterwards."""
    yield
    voicemeup_mms_aggregator().clear()
    configure_voicemeup_mms()


async def test_the_example_merges_the_mms_and_replies(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("voicemeup_sms_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    await module.main()

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "webhook 1: buffered, waiting for the other MMS part"
    assert lines[1] == "webhook 2: merged MMS from +14185550111"
    assert "stored a mms event" in lines[2]
    assert lines[3] == "  text 'My parcel arrived like this', parts ['text', 'media']"
    assert lines[4] == (
        "sent to VoiceMeUp: to=+14185550111 text='Sorry about that! A replacement ships today.'"
    )
    assert voicemeup_mms_aggregator().pending == 0
