"""Without httpx, pynacl or phonenumbers, parsing still works and providers name their extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from roomkit.providers import sinch, telnyx, twilio, voicemeup

BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"httpx", "nacl", "phonenumbers", "twilio"}:
            raise ImportError(f"No module named {name!r} (blocked)")
        return None

sys.meta_path.insert(0, Block())
"""

SCRIPT = """
import roomkit
from roomkit.providers.sms import extract_sms_meta, normalize_phone
from roomkit.providers import sinch, telnyx, twilio, voicemeup

meta = extract_sms_meta("twilio", {"MessageSid": "SM1", "From": "+1", "Body": "hi"})
print("parsed", meta.kind)
for module, name in [(twilio, "TwilioSMSProvider"), (telnyx, "TelnyxSMSProvider"),
                     (sinch, "SinchSMSProvider"), (voicemeup, "VoiceMeUpSMSProvider"),
                     (telnyx, "verify_telnyx_signature")]:
    try:
        getattr(module, name)
    except ImportError as exc:
        print(name, "->", exc)
try:
    normalize_phone("+12125550123")
except ImportError as exc:
    print("normalize_phone ->", exc)
"""


def test_parsing_works_and_providers_name_their_extra_without_optional_packages() -> None:
    code = BLOCKER + textwrap.dedent(SCRIPT)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    lines = done.stdout.splitlines()
    assert lines[0] == "parsed inbound"
    httpx_hint = "install it with: pip install 'roomkit[httpx]'"
    for name in ("TwilioSMSProvider", "TelnyxSMSProvider", "SinchSMSProvider"):
        assert any(line.startswith(name) and httpx_hint in line for line in lines)
    assert any(line.startswith("VoiceMeUpSMSProvider") and httpx_hint in line for line in lines)
    assert any("pip install 'roomkit[pynacl]'" in line for line in lines)
    assert any("pip install 'roomkit[phonenumbers]'" in line for line in lines)


@pytest.mark.parametrize("module", [sinch, telnyx, twilio, voicemeup])
def test_unknown_names_are_attribute_errors(module: object) -> None:
    missing = "Nope"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        getattr(module, missing)


def test_lazy_names_resolve_to_the_provider_classes() -> None:
    from roomkit.providers.twilio.sms import TwilioSMSProvider

    assert twilio.TwilioSMSProvider is TwilioSMSProvider
