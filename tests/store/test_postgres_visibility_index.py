"""PostgreSQL's visibility index leaves out events visible to all, as SQLite's does: the
other visibilities' pages still use it, even through a generic plan, and older schemas
migrate."""

from __future__ import annotations

import asyncpg

from roomkit.store.postgres import PostgresStore
from tests.services import postgres_schema
from tests.store.visibility_pages import EXPECTED, fill, read_pages

PARTIAL = "WHERE (visibility <> 'all'::text)"


async def _fill(dsn: str, schema: str) -> None:
    store = PostgresStore(dsn, schema=schema, min_pool_size=1, max_pool_size=2)
    try:
        await fill(store)
    finally:
        await store.close()


async def _pages(dsn: str, schema: str) -> dict[str, list[int]]:
    store = PostgresStore(dsn, schema=schema, min_pool_size=1, max_pool_size=2)
    try:
        return await read_pages(store)
    finally:
        await store.close()


async def _index_definition(conn: asyncpg.Connection, schema: str) -> str:
    definition: str = await conn.fetchval(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = $1"
        " AND indexname = 'events_by_visibility'",
        schema,
    )
    return definition


async def test_only_events_not_visible_to_all_enter_the_index() -> None:
    async with postgres_schema() as (dsn, schema):
        await _fill(dsn, schema)
        conn = await asyncpg.connect(dsn)
        try:
            # Rebuilding the index records how many entries it holds.
            await conn.execute(f'REINDEX INDEX "{schema}".events_by_visibility')
            entries = await conn.fetchval(
                "SELECT reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = $1 AND c.relname = 'events_by_visibility'",
                schema,
            )
            definition = await _index_definition(conn, schema)
        finally:
            await conn.close()
        pages = await _pages(dsn, schema)

    assert entries == 4  # of the 10 events
    assert definition.endswith(PARTIAL), definition
    assert pages == EXPECTED


async def test_a_generic_plan_of_the_visible_page_uses_the_index() -> None:
    # asyncpg prepares statements, so the server may settle on a plan made without the
    # parameters' values: the statement itself must name the index's condition.
    store = PostgresStore("postgresql://unused", schema="x")
    visible_page = store._q["events_page_visible"]
    async with postgres_schema() as (dsn, schema):
        await _fill(dsn, schema)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                f'SET search_path = "{schema}"; SET plan_cache_mode = force_generic_plan;'
                " SET enable_seqscan = off"
            )
            sql = visible_page.replace(f'"{store.schema}".', "")
            await conn.execute(f"PREPARE page (text, text, bigint, bigint) AS {sql}")
            rows = await conn.fetch("EXPLAIN EXECUTE page('room-1', 'internal', 50, 0)")
        finally:
            await conn.close()
    plan = "\n".join(row[0] for row in rows)

    assert "events_by_visibility" in plan, plan


async def test_a_schema_with_the_full_index_is_migrated() -> None:
    async with postgres_schema() as (dsn, schema):
        await _fill(dsn, schema)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(  # as the first release left it
                f'DROP INDEX "{schema}".events_by_visibility;'
                f' CREATE INDEX events_by_visibility ON "{schema}".events'
                " (room_id, visibility, idx);"
                f' DELETE FROM "{schema}".schema_version WHERE version = 2'
            )
            before = await _index_definition(conn, schema)

            pages = await _pages(dsn, schema)

            versions = await conn.fetch(f'SELECT version FROM "{schema}".schema_version')
            after = await _index_definition(conn, schema)
        finally:
            await conn.close()

    assert PARTIAL not in before
    assert pages == EXPECTED
    assert sorted(row[0] for row in versions) == [1, 2]
    assert after.endswith(PARTIAL), after
