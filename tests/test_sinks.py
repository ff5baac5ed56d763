"""The record id and the sinks on their own, against real servers: PostgreSQL (tests/postgres_helpers.py)
and redis-server; the writer's batches; the sink settings. The webhook is in tests/test_sink_webhook.py,
the crawl-level commit protocol under faults in tests/test_sink_faults.py."""

from __future__ import annotations

import dataclasses
import json
import re
import signal
from typing import Any

import pytest

from newsmon.record import FetchInfo, build_record, record_id
from newsmon.sinks import SinkConfig, SinkError, SinkUnusable, build_sink, sink_label
from newsmon.sinks.extension import SinkWriter
from newsmon.sinks.postgres import MIGRATIONS
from tests.postgres_helpers import PostgresServer, needs_postgres, running_postgres
from tests.redis_helpers import RedisServer, needs_redis
from tests.test_record_and_render import SCOPE, make_page

ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def config(**overrides: Any) -> SinkConfig:
    base = SinkConfig(uris=(), batch_size=100, max_delay=5.0, timeout=2.0, retries=2, auth_env="SINK_AUTH_T")
    return dataclasses.replace(base, **overrides)


def record(n: int, version: int = 1, site: str = "harbour") -> dict[str, Any]:
    url = f"https://news.example/2026/03/{n:02d}/story-{n}/"
    return {
        "id": record_id(url),
        "canonical_url": url,
        "site": site,
        "version": version,
        "published_at": f"2026-03-{n:02d}T08:00:00+00:00",
        "scraped_at": "2026-03-30T08:00:00+00:00",
        "content_hash": f"sha256:{n:064x}",
        "title": f"Invented story {n} v{version}",
    }


# --- the record id -------------------------------------------------------------------------------------
def test_id_is_url_safe_and_depends_on_the_canonical_url_only() -> None:
    url = "https://news.example/2026/03/01/ferry/"
    assert ID.match(record_id(url))
    assert record_id(url) == record_id(url)
    assert record_id(url) != record_id(url.rstrip("/"))
    # a fixed value: the same article keeps its id across newsmon versions, not only across runs
    assert record_id(url) == "YLmOVTlvUSp-bC_oQePaWw"


def test_same_article_through_two_spiders_and_sites_has_the_same_id() -> None:
    page = make_page()
    via_rss = build_record(page, FetchInfo(url="http://127.0.0.1:9999/?p=7", spider="euromaidan"), SCOPE)
    via_news = build_record(
        dataclasses.replace(page, title="Changed title", body="Another body."),
        FetchInfo(
            url="http://127.0.0.1:9999/2026/03/01/ferry/",
            spider="news",
            site="harbour",
            discovered_via="sitemap",
        ),
        SCOPE,
    )
    assert via_rss.canonical_url == via_news.canonical_url
    assert via_rss.id == via_news.id == record_id(via_rss.canonical_url)
    assert ID.match(via_rss.id)


def test_id_is_in_the_schema_and_the_first_field() -> None:
    from newsmon.schema import record_schema, record_validator

    built = dataclasses.asdict(build_record(make_page(), FetchInfo(url="http://127.0.0.1:9999/?p=7"), SCOPE))
    assert next(iter(built)) == "id"
    assert "id" in record_schema()["required"]
    assert list(record_validator().iter_errors(built)) == []
    assert list(record_validator().iter_errors({**built, "id": "has/slash+plus=="}))


# --- PostgreSQL ----------------------------------------------------------------------------------------
@needs_postgres
def test_postgres_creates_migrates_and_upserts_idempotently(postgres_server: PostgresServer) -> None:
    uri = f"{postgres_server.url}?table=t_upsert"
    sink = build_sink(uri, config())
    sink.open()
    batch = [record(n) for n in range(1, 6)]
    sink.write(batch)
    sink.write(batch)  # delivered again (a crashed run's output): nothing changes
    sink.write([record(2, version=2)])
    sink.close()
    again = build_sink(uri, config())
    again.open()  # already migrated: no error, no second migration
    again.write([record(3)])
    again.close()
    with postgres_server.connect() as conn:
        rows = conn.execute("SELECT id, version, site, record->>'title' FROM t_upsert").fetchall()
        assert len(rows) == 6
        assert len({(r[0], r[1]) for r in rows}) == 6
        schema = conn.execute("SELECT version FROM newsmon_schema WHERE name = 't_upsert'").fetchone()
        assert schema == (len(MIGRATIONS),)
        compression = conn.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 't_upsert'::regclass AND attname = 'record'"
        ).fetchone()
        assert compression == ("l",)  # migration 2: lz4 (Debian's server is built with it)
        latest = conn.execute(
            "SELECT DISTINCT ON (id) id, version, record->>'title' FROM t_upsert ORDER BY id, version DESC"
        ).fetchall()
        assert len(latest) == 5
        assert (record(2)["id"], 2, "Invented story 2 v2") in latest
        indexes = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename='t_upsert'")}
        assert {"t_upsert_site", "t_upsert_canonical_url", "t_upsert_published_at"} <= indexes


@needs_postgres
def test_postgres_newer_schema_is_refused(postgres_server: PostgresServer) -> None:
    uri = f"{postgres_server.url}?table=t_future"
    sink = build_sink(uri, config())
    sink.open()
    sink.close()
    with postgres_server.connect() as conn:
        conn.execute("UPDATE newsmon_schema SET version = 99 WHERE name = 't_future'")
    with pytest.raises(SinkUnusable, match="schema version 99"):
        build_sink(uri, config()).open()


@needs_postgres
def test_postgres_down_is_unusable_and_the_password_never_shows() -> None:
    from tests.redis_helpers import free_port

    uri = f"postgresql://newsmon:hunter2-secret@127.0.0.1:{free_port()}/postgres"
    with pytest.raises(SinkUnusable) as raised:
        build_sink(uri, config(timeout=2.0)).open()
    assert "hunter2" not in str(raised.value)
    assert "postgresql://***@127.0.0.1" in str(raised.value)


def test_labels_mask_credentials_and_queries() -> None:
    assert sink_label("postgresql://u:pw@db:5432/x?password=pw2&table=t") == "postgresql://***@db:5432/x"
    assert sink_label("redis+stream://:pw@127.0.0.1:6379/0") == "redis+stream://***@127.0.0.1:6379/0"
    assert sink_label("https://hooks.example/in") == "https://hooks.example/in"


# --- Redis Streams -------------------------------------------------------------------------------------
@needs_redis
def test_redis_stream_exactly_once_and_consumer_groups(redis_server: RedisServer) -> None:
    uri = redis_server.url.replace("redis://", "redis+stream://") + "?stream=t:records"
    sink = build_sink(uri, config())
    sink.open()
    batch = [record(n) for n in range(1, 5)]
    sink.write(batch)
    sink.write(batch)  # again: no new entries
    sink.write([record(1, version=2)])
    sink.close()
    client = redis_server.client()
    assert client.xlen("t:records") == 5
    client.xgroup_create("t:records", "archive", id="0")
    got = client.xreadgroup("archive", "worker-1", {"t:records": ">"}, count=10)
    entries = got[0][1]
    seen = {(f[b"id"].decode(), int(f[b"version"])) for _, f in entries}
    assert seen == {(r["id"], 1) for r in batch} | {(record(1)["id"], 2)}
    assert json.loads(entries[0][1][b"record"])["canonical_url"] == batch[0]["canonical_url"]


@needs_redis
def test_redis_stream_trims_to_maxlen(redis_server: RedisServer) -> None:
    uri = redis_server.url.replace("redis://", "redis+stream://") + "?stream=t:trim&maxlen=10"
    sink = build_sink(uri, config())
    sink.open()
    for start in range(0, 600, 100):
        sink.write([record(n % 28 + 1, version=n + 1) for n in range(start, start + 100)])
    sink.close()
    length = redis_server.client().xlen("t:trim")
    assert 10 <= length < 600  # approximate trimming (~): whole macro nodes, never below maxlen


@needs_redis
def test_redis_stream_failed_add_is_not_remembered_as_delivered(redis_server: RedisServer) -> None:
    """A stream key turned into a string after open: the XADD fails, and the delivered set must not keep
    the record (a retry would otherwise skip it as delivered and never add it)."""
    uri = redis_server.url.replace("redis://", "redis+stream://") + "?stream=t:lost"
    sink = build_sink(uri, config())
    sink.open()
    client = redis_server.client()
    client.set("t:lost", "not a stream")
    with pytest.raises(SinkError):
        sink.write([record(1)])
    client.delete("t:lost")
    sink.write([record(1)])
    assert client.xlen("t:lost") == 1
    sink.close()


def test_redis_key_of_another_type_is_refused(redis_server: RedisServer) -> None:
    redis_server.client().set("t:string", "not a stream")
    uri = redis_server.url.replace("redis://", "redis+stream://") + "?stream=t:string"
    with pytest.raises(SinkUnusable, match="not a stream"):
        build_sink(uri, config()).open()


# --- the writer: batches and what it reports ------------------------------------------------------------
class Memory:
    label = "memory://"

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail = False

    def open(self) -> None:
        pass

    def write(self, records: Any) -> None:
        if self.fail:
            raise SinkError("sink memory://: down")
        self.batches.append(list(records))

    def close(self) -> None:
        pass


def test_writer_reports_commits_by_batch_and_nothing_after_a_failure() -> None:
    sink = Memory()
    writer = SinkWriter(None, config(batch_size=2), [sink])  # type: ignore[list-item]
    reports: list[tuple[list[Any], bool]] = []
    writer.on_commit = lambda tokens, ok: reports.append((tokens, ok))
    writer.add(record(1), "a")
    assert reports == []  # waits for a full batch
    writer.add(record(2), "b")
    assert reports == [(["a", "b"], True)]
    sink.fail = True
    writer.add(record(3), "c")
    writer.add(record(4), "d")
    assert reports[-1] == (["c", "d"], False)
    sink.fail = False
    writer.add(record(5), "e")  # the run is failing: never reported committed
    assert reports[-1] == (["e"], False)
    assert len(sink.batches) == 1


class Broken(Memory):
    def write(self, records: Any) -> None:
        raise TypeError("a sink's own bug, not a SinkError")


def test_writer_fails_the_batch_on_any_sink_exception() -> None:
    """The batch leaves the buffer before it is written: an unexpected exception must fail the run (the
    records unmarked), not vanish with the batch and let the run settle as if it were delivered."""
    writer = SinkWriter(None, config(batch_size=2), [Broken()])  # type: ignore[list-item]
    reports: list[tuple[list[Any], bool]] = []
    writer.on_commit = lambda tokens, ok: reports.append((tokens, ok))
    writer.add(record(1), "a")
    writer.add(record(2), "b")
    assert reports == [(["a", "b"], False)]
    assert writer.failed is not None and "TypeError" in writer.failed
    assert writer.flush() is False


def test_postgres_sink_without_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(SinkUnusable, match=re.escape("pip install 'newsmon[postgres]'")):
        build_sink("postgresql://127.0.0.1:1/x", config()).open()


@needs_postgres
def test_postgres_server_killed_fails_the_batch_and_recovers() -> None:
    with running_postgres(template=True) as server:
        sink = build_sink(f"{server.url}?table=t_kill", config())
        sink.open()
        sink.write([record(1)])
        server.stop(signal.SIGKILL)
        with pytest.raises(SinkError):
            sink.write([record(2)])
        server.start()
        sink.write([record(2)])  # a new connection after the failed one
        sink.close()
        with server.connect() as conn:
            assert conn.execute("SELECT count(*) FROM t_kill").fetchone() == (2,)


# --- configuration -------------------------------------------------------------------------------------
def test_sinks_setting_is_checked_before_the_crawl_in_one_line() -> None:
    from scrapy.settings import Settings

    from newsmon.commands.checks import check_settings
    from newsmon.crawl.arguments import ArgumentError

    check_settings(Settings({"NEWSMON_SINKS": '["postgresql://u:pw@db/x", "https://hooks.example/in"]'}))
    for bad, why in (
        ("ftp://u:secret@host/x", "unknown scheme 'ftp'"),
        ("redis+stream://h:1/0?maxlen=lots", "maxlen must be an integer"),
        ('["postgresql://db/x"', "not a JSON list"),
    ):
        with pytest.raises(ArgumentError, match=re.escape(why)) as raised:
            check_settings(Settings({"NEWSMON_SINKS": bad}))
        assert "secret" not in str(raised.value)
    with pytest.raises(ArgumentError, match="NEWSMON_SINK_BATCH_SIZE"):
        check_settings(Settings({"NEWSMON_SINKS": "https://h/in", "NEWSMON_SINK_BATCH_SIZE": 0}))


def test_site_toml_sinks_are_the_sites_setting() -> None:
    from scrapy.settings import Settings

    from newsmon.crawl.arguments import SpiderArguments
    from newsmon.crawl.config import apply_to_settings
    from newsmon.sites import SiteConfigError, parse_site_config

    base = {"name": "harbour", "origin": "https://harbour.example"}
    site = parse_site_config({**base, "sinks": ["postgresql://db/news?table=harbour"]})
    assert site.sinks == ("postgresql://db/news?table=harbour",)
    settings = Settings()
    apply_to_settings(settings, site, SpiderArguments.parse({}))
    assert settings.getlist("NEWSMON_SINKS") == ["postgresql://db/news?table=harbour"]
    project = Settings({"NEWSMON_SINKS": ["https://hooks.example/in"]}, priority="project")
    apply_to_settings(project, site, SpiderArguments.parse({}))
    assert project.getlist("NEWSMON_SINKS") == ["https://hooks.example/in"]  # a project setting wins
    with pytest.raises(SiteConfigError, match="'sinks' entry ftp://\\*\\*\\*@h/x has an unknown scheme"):
        parse_site_config({**base, "sinks": ["ftp://u:pw@h/x"]})


def test_writer_delivers_a_batch_that_waited_max_delay() -> None:
    sink = Memory()
    writer = SinkWriter(None, config(batch_size=100, max_delay=5.0), [sink])  # type: ignore[list-item]
    writer.add(record(1), "a")
    assert not writer.due()
    writer.oldest -= 5.0  # as if the first record came 5 s ago (no sleeping in tests)
    assert writer.due()
    assert writer.flush() and sink.batches == [[record(1)]]
    assert not writer.due()


class Closing(Memory):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


def test_the_sinks_are_finished_once_at_close_before_the_run_is_judged() -> None:
    """SinkExtension delivers the last batch and closes the sinks when the spider closes (before the feeds
    are stored and the outputs settle, newsmon/order.py); the settlement does not finish them again."""
    from scrapy import signals

    from newsmon.sinks.extension import SinkExtension
    from newsmon.state.outputs import OutputsSettled, SettleOrder
    from tests.component_helpers import crawler_with, open_spider, send

    crawler = crawler_with({"NEWSMON_SINKS": ["https://hooks.example/in"]})
    spider = open_spider(crawler)
    ext = SinkExtension.from_crawler(crawler)  # built first (order.SINKS), as the add-on builds it
    sink = Closing()
    ext.writer.sinks = [sink]  # type: ignore[list-item]
    judged: list[int] = []
    OutputsSettled(crawler, lambda reason: judged.append(len(sink.batches)), SettleOrder.JUDGE)
    ext.writer.add(record(1))
    send(crawler, signals.spider_closed, spider=spider, reason="finished")  # no feed: settles here
    assert judged == [1]  # the last batch was delivered before the verdicts
    assert sink.closed == 1
