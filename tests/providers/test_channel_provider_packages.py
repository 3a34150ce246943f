"""The email, chat and webhook provider packages: lazy providers, closing, bare imports."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest
from pydantic import SecretStr

from roomkit.providers.elasticemail import ElasticEmailConfig
from roomkit.providers.http import HTTPProviderConfig
from roomkit.providers.sendgrid import SendGridConfig
from tests.providers.transport_recorder import make_event

LAZY = [
    ("roomkit.providers.elasticemail", "ElasticEmailProvider"),
    ("roomkit.providers.sendgrid", "SendGridProvider"),
    ("roomkit.providers.messenger", "FacebookMessengerProvider"),
    ("roomkit.providers.whatsapp", "WhatsAppCloudProvider"),
    ("roomkit.providers.http", "WebhookHTTPProvider"),
]


@pytest.mark.parametrize(("package", "name"), LAZY)
def test_providers_load_on_first_access(package: str, name: str) -> None:
    module = importlib.import_module(package)

    assert name in module.__all__
    assert getattr(module, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        getattr(module, "Nope")  # noqa: B009 - the lookup itself is under test


async def test_a_closed_provider_no_longer_sends() -> None:
    from roomkit.providers.elasticemail import ElasticEmailProvider
    from roomkit.providers.http import WebhookHTTPProvider
    from roomkit.providers.sendgrid import SendGridProvider

    key = SecretStr("k")
    for provider in (
        SendGridProvider(SendGridConfig(api_key=key, from_email="a@x.com")),
        ElasticEmailProvider(ElasticEmailConfig(api_key=key, from_email="a@x.com")),
        WebhookHTTPProvider(HTTPProviderConfig(webhook_url="https://x.invalid")),
    ):
        await provider.close()
        with pytest.raises(RuntimeError, match="closed"):
            await provider.send(make_event(), "b@x.com")


def test_packages_import_without_httpx() -> None:
    script = textwrap.dedent(
        """
        import importlib.abc, sys

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("httpx", "cryptography"):
                    raise ImportError(f"{name} is blocked in this test")
                return None

        sys.meta_path.insert(0, Block())
        import roomkit.providers.elasticemail, roomkit.providers.sendgrid
        import roomkit.providers.messenger, roomkit.providers.whatsapp, roomkit.providers.http
        import roomkit.providers.email
        try:
            roomkit.providers.messenger.FacebookMessengerProvider
        except ImportError as exc:
            print("LAZY", "pip install 'roomkit[httpx]'" in str(exc))
        try:
            import roomkit.providers.sendgrid.signature
        except ImportError as exc:
            print("SIGNATURE", "pip install cryptography" in str(exc))
        """
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["LAZY", "True", "SIGNATURE", "True"]
