"""Managing sources: validate what an admin typed, create and change sources (audited), and try a query out.

Nothing here commits: the caller does, once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlmodel import Session, col, select

from listener.base import CollectorError, RawMention, RowError
from listener.collectors.importer import ImportPathRefused, confined_path
from listener.ingest.bad_rows import BadRowReport, bad_row_reports
from listener.platforms import COLLECTOR_NETWORKS, COLLECTORS, MIXED, MIXED_LABEL, NETWORK_NAMES
from listener.platforms.spec import load_target
from listener.query.language import Query, QuerySyntaxError, parse
from listener.query.native import QueryCompileError
from listener.registry import load_collector
from listener.service import RUN_LEASE, matching_mentions
from models import Source, User, record_event
from models.base import utcnow
from models.errors import Invalid
from settings import Settings

log = logging.getLogger(__name__)
MAX_NAME = 120
MAX_CONFIG_CHARS = 10_000
TEST_TIMEOUT_SECONDS = 20.0
TEST_RESULTS_SHOWN = 10
SOURCE_NETWORKS = {**NETWORK_NAMES, MIXED: MIXED_LABEL}  # what the form offers; see network_choices
_CREDENTIAL_WORDS = ("secret", "password", "token", "api_key", "apikey", "private_key", "credential")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    collector: str
    network: str
    config: dict[str, Any]  # the query included, under "query"


def validate(*, name: str, collector: str, network: str, query: str, config_json: str,
             import_dir: Path) -> SourceSpec:
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        errors["name"] = f"Give the source a name of 1 to {MAX_NAME} characters."
    if collector not in COLLECTORS:
        errors["collector"] = "Choose a collector from the list."
    # A collector that reads one network decides it; the form's choice only counts for import and replay.
    network = collector_network(collector) or network
    if network not in network_choices(collector):
        errors["network"] = "Choose a network from the list."
    config = _config(config_json, errors)
    spec = COLLECTORS.get(collector)
    if spec is not None and spec.reads_files and "path" in config:
        _check_path(config["path"], import_dir, errors)
    query = query.strip()
    if query:
        _check_query(query, collector, errors)
        config["query"] = query
    elif spec is not None and spec.needs_query:
        errors["query"] = f"The {collector} collector needs a listening query."
    if errors:
        raise Invalid(errors)
    return SourceSpec(name=name, collector=collector, network=network, config=config)


def network_choices(collector: str) -> dict[str, str]:
    """The networks a source of this collector may be labelled with: "mixed" only where the rows name their own."""
    return SOURCE_NETWORKS if reads_many_networks(collector) else NETWORK_NAMES


def reads_many_networks(collector: str) -> bool:
    """A collector whose rows each name their own network (import, replay)."""
    return collector in COLLECTORS and collector_network(collector) is None


def collector_network(collector: str) -> str | None:
    """The one network a collector reads (x_search -> x); None for import and replay."""
    return COLLECTOR_NETWORKS.get(collector)


def _config(text: str, errors: dict[str, str]) -> dict[str, Any]:
    if len(text) > MAX_CONFIG_CHARS:
        errors["config"] = f"The config is too long (at most {MAX_CONFIG_CHARS} characters)."
        return {}
    try:
        config = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        errors["config"] = f"The config is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        return {}
    if not isinstance(config, dict):
        errors["config"] = 'The config must be a JSON object, e.g. {"path": "exports/reviews.csv"}.'
        return {}
    if "query" in config:
        errors["config"] = "Put the listening query in the Query field, not in the config."
    secret = next((key for key in config if any(word in key.lower() for word in _CREDENTIAL_WORDS)), None)
    if secret is not None:
        errors["config"] = f"Credentials ({secret}) belong in the server settings, never in a source's config."
    return config


def _check_path(path: object, import_dir: Path, errors: dict[str, str]) -> None:
    """Only where the path leads, never whether a file is there: saying so would reveal files outside."""
    if not isinstance(path, str):
        errors["config"] = 'The path must be a string, e.g. {"path": "exports/reviews.csv"}.'
        return
    try:
        confined_path(path, import_dir)
    except ImportPathRefused as error:
        errors["config"] = str(error)  # word for word what the collector says


def _check_query(query: str, collector: str, errors: dict[str, str]) -> None:
    try:
        parsed = parse(query)
        compiler = native_compiler(collector)
        if compiler is not None:
            compiler(parsed)
    except QuerySyntaxError as error:
        errors["query"] = str(error)  # the message, its column, and the query with a caret under the spot
    except QueryCompileError as error:
        errors["query"] = f"{collector} cannot search for this: {error}"


def query_of(source: Source) -> str:
    query = source.config.get("query")
    return query if isinstance(query, str) else ""


def config_without_query(config: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in config.items() if k != "query"}, indent=2, ensure_ascii=False)


# --- changes, each audited ----------------------------------------------------------------------------------

def create_source(session: Session, spec: SourceSpec, *, actor: User) -> Source:
    source = Source(name=spec.name, collector=spec.collector, network=spec.network, config=spec.config)
    session.add(source)
    session.flush()
    record_event(session, "source.created", actor=actor, source_id=source.id, name=spec.name,
                 collector=spec.collector, network=spec.network, query=spec.config.get("query"))
    return source


def update_source(session: Session, source: Source, spec: SourceSpec, *, actor: User) -> list[str]:
    """Apply the spec; returns the names of the fields that changed. A new collector or a change of what it
    reads (anything in the config but the query) starts the source over, since the old cursor means nothing."""
    before = {"name": source.name, "collector": source.collector, "network": source.network,
              "query": source.config.get("query"), "config": _without_query(source.config)}
    after = {"name": spec.name, "collector": spec.collector, "network": spec.network,
             "query": spec.config.get("query"), "config": _without_query(spec.config)}
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return []
    restart = "collector" in changed or "config" in changed
    source.name, source.collector, source.network = spec.name, spec.collector, spec.network
    source.config = dict(spec.config)
    if restart:
        source.cursor = None
    session.add(source)
    record_event(session, "source.updated", actor=actor, source_id=source.id, changed=changed,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed}, cursor_reset=restart)
    session.flush()
    return changed


def set_enabled(session: Session, source: Source, enabled: bool, *, actor: User) -> bool:
    """Returns whether anything changed; enabling or disabling twice records one event."""
    if source.enabled == enabled:
        return False
    source.enabled = enabled
    session.add(source)
    record_event(session, "source.enabled" if enabled else "source.disabled", actor=actor, source_id=source.id,
                 name=source.name)
    session.flush()
    return True


def _without_query(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != "query"}


# --- trying a query out -------------------------------------------------------------------------------------

@dataclass
class QueryTestResult:
    fetched: int = 0
    matched: int = 0
    mentions: list[RawMention] = field(default_factory=list)
    error: str | None = None
    bad_rows: list[RowError] = field(default_factory=list)  # skipped by the collector; the first ones are shown


def test_source(spec: SourceSpec, *, settings: Settings, timeout: float = TEST_TIMEOUT_SECONDS) -> QueryTestResult:
    """One fetch from the start (no cursor), stored nowhere: what the query would find right now.

    The fetch runs in a daemon thread so a platform that never answers costs the admin `timeout` seconds,
    not the request; the thread ends on its own when the collector's own timeout fires."""
    outcome: list[QueryTestResult] = []
    worker = threading.Thread(target=lambda: outcome.append(_fetch_once(spec, settings)), daemon=True,
                              name=f"test-source-{spec.collector}")
    worker.start()
    worker.join(timeout)
    if not outcome:
        return QueryTestResult(error=f"{spec.collector} did not answer within {timeout:g} seconds; try again later.")
    return outcome[0]


def _fetch_once(spec: SourceSpec, settings: Settings) -> QueryTestResult:
    try:
        batch = load_collector(spec.collector, settings).fetch(dict(spec.config), None)
        wanted = matching_mentions(spec.config, batch.mentions)
    except CollectorError as error:
        return QueryTestResult(error=redact(str(error), settings))
    except QuerySyntaxError as error:
        return QueryTestResult(error=f"the query is invalid: {error.message}")
    except Exception as error:  # a bug or an unexpected library error: its text may hold request details
        log.exception("testing %s failed", spec.collector)
        return QueryTestResult(error=f"the collector failed unexpectedly ({type(error).__name__}); see the server log")
    return QueryTestResult(fetched=len(batch.mentions), matched=len(wanted), mentions=list(wanted[:TEST_RESULTS_SHOWN]),
                           bad_rows=list(batch.errors))


def redact(message: str, settings: Settings) -> str:
    """Collector messages are meant for people, but a library may echo a request: never show a secret."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and len(value.get_secret_value()) >= 4:
            message = message.replace(value.get_secret_value(), "[redacted]")
    return message


# --- the list -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceRow:
    source: Source
    coverage: str
    next_run: datetime | None  # None: due now
    running: bool
    bad_rows: BadRowReport | None = None  # rows skipped since an admin last dismissed them


def source_rows(session: Session, settings: Settings) -> list[SourceRow]:
    now = utcnow()
    interval = timedelta(seconds=settings.collect_interval_seconds)
    sources = session.exec(select(Source).order_by(col(Source.name), col(Source.id))).all()
    reports = bad_row_reports(session, [source.id for source in sources if source.id is not None])
    return [SourceRow(source=source, coverage=coverage(source.collector),
                      next_run=_next_run(source.last_run_at, interval, now),
                      running=source.run_started_at is not None and source.run_started_at > now - RUN_LEASE,
                      bad_rows=reports.get(source.id) if source.id is not None else None)
            for source in sources]


def _next_run(last_run_at: datetime | None, interval: timedelta, now: datetime) -> datetime | None:
    if last_run_at is None or last_run_at + interval <= now:
        return None
    return last_run_at + interval


def coverage(collector: str) -> str:
    """What the collector can see, from its spec (reading it imports no platform client)."""
    spec = COLLECTORS.get(collector)
    return spec.coverage if spec is not None else ""


def native_compiler(collector: str) -> Callable[[Query], object] | None:
    """The platform's own search language: a query it cannot express is refused when the source is saved."""
    spec = COLLECTORS.get(collector)
    if spec is None or spec.native_query is None:
        return None
    compiler: Callable[[Query], object] = load_target(spec.native_query)
    return compiler
