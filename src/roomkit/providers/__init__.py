"""Providers: the vendor integrations behind channels (transport, AI) and their mocks."""
