"""Machinery shared by the SQL stores (SQLite and PostgreSQL); nothing public here.

The stores share one implementation of the :class:`~roomkit.store.base.ConversationStore`
methods (:mod:`.rooms` and :mod:`.records`) written against a tiny driver interface
(:mod:`.driver`); each backend supplies a driver, its schema migrations and the few
statements whose SQL differs between the two dialects.
"""
