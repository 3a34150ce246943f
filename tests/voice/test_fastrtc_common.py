"""What the FastRTC backend and transport share: loading, peers, frame conversion."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("fastrtc", reason="needs the fastrtc extra: pip install 'roomkit[fastrtc]'")

from roomkit.voice import (  # noqa: E402
    get_fastrtc_backend,
    get_fastrtc_realtime_transport,
    get_mount_fastrtc_realtime,
    get_mount_fastrtc_voice,
)
from roomkit.voice._fastrtc import Peer, pcm16_from_frame  # noqa: E402
from roomkit.voice.backends.fastrtc import FastRTCVoiceBackend, mount_fastrtc_voice  # noqa: E402
from roomkit.voice.codecs import pcm16_from_array  # noqa: E402
from roomkit.voice.realtime.fastrtc_transport import (  # noqa: E402
    FastRTCRealtimeTransport,
    mount_fastrtc_realtime,
)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_importing_roomkit_voice_does_not_import_fastrtc() -> None:
    run = run_python("import sys, roomkit, roomkit.voice; print('fastrtc' in sys.modules)")

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_the_lazy_loaders_return_the_fastrtc_classes_and_mounts() -> None:
    assert get_fastrtc_backend() is FastRTCVoiceBackend
    assert get_mount_fastrtc_voice() is mount_fastrtc_voice
    assert get_fastrtc_realtime_transport() is FastRTCRealtimeTransport
    assert get_mount_fastrtc_realtime() is mount_fastrtc_realtime


def test_without_fastrtc_the_loader_names_the_extra_to_install() -> None:
    run = run_python(
        "import sys; sys.modules['fastrtc'] = None\n"
        "import roomkit.voice\n"
        "roomkit.voice.get_fastrtc_backend()\n"
    )

    assert run.returncode == 1
    assert "install it with: pip install 'roomkit[fastrtc]'" in run.stderr


class BrokenChannel:
    def send(self, message: str) -> None:
        raise ConnectionError("data channel closed")


async def test_a_peer_reports_messages_it_could_not_send() -> None:
    handler = FastRTCVoiceBackend().build_stream().event_handler

    assert await Peer("p", handler, None).send_text("x") is False  # no data channel yet
    handler.set_channel(BrokenChannel())
    assert await Peer("p", handler, None).send_json({"a": 1}) is False


def test_fastrtc_float_samples_become_pcm16() -> None:
    samples = np.array([[0.0, 0.5, -1.0]], dtype=np.float32)

    assert pcm16_from_frame(samples) == pcm16_from_array([0, 16384, -32768])
