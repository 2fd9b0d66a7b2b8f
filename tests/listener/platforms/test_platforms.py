"""The network specs (listener.platforms) and the registries read from them: one place says what a network is."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from listener.platforms import (
    COLLECTOR_NETWORKS,
    COLLECTORS,
    MIXED,
    NETWORK_NAMES,
    NETWORKS,
    UPSERT_NETWORKS,
)
from listener.platforms.spec import PosterSpec, load_target
from listener.registry import load_collector
from listener.sources import collector_network, coverage, native_compiler, reads_many_networks
from responder.lint.checks import platform_rules
from responder.lint.rules import default_rules
from responder.posters import NETWORK_POSTERS, POSTERS, configured_poster, poster_for_network
from settings import Settings

REPO = Path(__file__).resolve().parents[3]
POSTER_MODULES = sorted((REPO / "responder" / "posters").glob("*.py"))


def test_every_network_has_a_name_and_its_collectors_name_it() -> None:
    assert set(NETWORK_NAMES) == set(NETWORKS) and MIXED not in NETWORKS
    for key, spec in NETWORKS.items():
        assert spec.key == key and spec.display_name
        for collector in spec.collectors:
            assert COLLECTORS[collector.name] is collector
            assert COLLECTOR_NETWORKS[collector.name] == key == collector_network(collector.name)


@pytest.mark.parametrize("name", sorted(COLLECTORS))
def test_every_collector_is_built_from_its_spec_and_says_what_it_sees(name: str, settings: Settings) -> None:
    spec = COLLECTORS[name]
    collector = load_collector(name, settings)
    assert f"{type(collector).__module__}:{type(collector).__name__}" == spec.target
    assert callable(collector.fetch)
    assert spec.coverage and coverage(name) == spec.coverage  # the sources page reads the spec
    assert all(field in Settings.model_fields for field in spec.credentials)
    if spec.native_query is not None:
        assert native_compiler(name) is load_target(spec.native_query)
    assert reads_many_networks(name) == spec.reads_files == (name not in COLLECTOR_NETWORKS)


def test_an_unknown_collector_has_no_coverage_and_cannot_be_loaded(settings: Settings) -> None:
    assert coverage("nope") == "" and native_compiler("nope") is None
    with pytest.raises(LookupError, match="no collector named 'nope'"):
        load_collector("nope", settings)


@pytest.mark.parametrize("key", sorted(key for key, spec in NETWORKS.items() if spec.poster is not None))
def test_each_network_poster_comes_from_its_spec(key: str) -> None:
    spec = NETWORKS[key]
    assert spec.poster is not None
    assert POSTERS[spec.poster_key] is spec.poster and poster_for_network(key) == spec.poster_key
    poster_class = load_target(spec.poster.target)
    assert callable(poster_class.post) and callable(poster_class.find_existing)
    assert all(field in Settings.model_fields for field in (*spec.poster.needs, *(spec.poster.or_needs or ())))


def test_networks_without_a_poster_and_posters_without_credentials_are_manual(settings: Settings) -> None:
    assert poster_for_network("hackernews") == poster_for_network("rss") == "manual"
    assert NETWORK_POSTERS == {"appstore": "appstore_connect"}
    assert configured_poster("reddit", settings) == "manual"  # no Reddit credentials in the test settings
    with_token = settings.model_copy(update={"mastodon_access_token": "t0ken"})
    assert configured_poster("mastodon", with_token) == "mastodon"
    assert PosterSpec("m:C", ("x_client_id",), ("mastodon_access_token",)).usable_with(with_token)


def test_lint_reads_reply_limits_and_upserts_from_the_specs() -> None:
    lengths = {rule.code: rule for rule in platform_rules("length")}
    limited = {key: spec.reply_limit for key, spec in NETWORKS.items() if spec.reply_limit is not None}
    assert set(lengths) == {f"length_{key}" for key in limited}
    for key, limit in limited.items():
        rule = lengths[f"length_{key}"]
        assert rule.networks == (key,) and rule.params["limit"] == limit.limit
        assert bool(rule.params.get("weighted")) == limit.weighted and rule.message.endswith(limit.reason)
    [existing] = platform_rules("existing_reply")
    assert set(existing.networks or ()) == UPSERT_NETWORKS == {"appstore", "googleplay", "gbp", "trustpilot"}
    shipped = {rule.code for rule in default_rules()}
    assert set(lengths) | {"replaces_existing_reply"} <= shipped
    with pytest.raises(ValueError, match="no platform rules"):
        platform_rules("tone")


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", POSTER_MODULES, ids=lambda path: path.name)
def test_posters_import_the_platform_module_never_a_collector(path: Path) -> None:
    collector_modules = {spec.target.partition(":")[0] for spec in COLLECTORS.values()}
    assert not _imported_modules(path) & collector_modules


def test_reading_the_specs_loads_no_platform_client() -> None:
    code = ("import sys, listener.platforms, listener.sources, listener.registry, responder.posters, "
            "responder.lint.rules; print(sorted(m for m in ('tweepy', 'praw', 'prawcore', 'mastodon', 'feedparser') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_revisions_read_which_reviews_can_be_edited_from_the_specs() -> None:
    from listener.ingest import revisions

    assert {key for key, spec in NETWORKS.items() if spec.revisable} == revisions.REVISABLE_NETWORKS
    assert {"appstore", "googleplay", "gbp", "trustpilot"} == revisions.REVISABLE_NETWORKS
