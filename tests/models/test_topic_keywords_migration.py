"""0025: the English keyword fixes reach every workspace whose topics still hold the seeded keywords, and leave an
admin's edited topic alone; a fresh install ends with the shipped taxonomy's keywords."""

from __future__ import annotations

import importlib
import json

from models.migrate import downgrade, upgrade
from models.topic_store import shipped_taxonomy
from tests.models.topic_rows import keywords_in, set_keywords

MIGRATION = importlib.import_module("models.migrations.versions.0025_topic_keywords_en")
SEED = importlib.import_module("models.migrations.versions.0011_topic_taxonomy")


def test_what_it_replaces_is_what_0011_seeded() -> None:
    seeded = json.loads(SEED.SHIPPED_TOPICS)
    assert {name: seeded[name]["keywords"]["en"] for name in MIGRATION.SEEDED} == MIGRATION.SEEDED


def test_a_fresh_install_has_the_shipped_keywords(fresh_database_url: str) -> None:
    shipped = {name: spec["keywords"].get("en") for name, spec in shipped_taxonomy().items()}
    assert keywords_in(fresh_database_url, "en") == shipped


def test_an_edited_topic_keeps_its_keywords_and_downgrading_restores_the_seed(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "0024")
    set_keywords(fresh_database_url, "quality", "en", ["broken", "our own word"])
    upgrade(fresh_database_url)
    after = keywords_in(fresh_database_url, "en")
    assert after["quality"] == ["broken", "our own word"]  # the admin's list stands
    assert after["app_bug"] == MIGRATION.NOW["app_bug"] and "frozen" not in after["app_bug"]
    downgrade(fresh_database_url, "0024")
    restored = keywords_in(fresh_database_url, "en")
    assert restored["app_bug"] == MIGRATION.SEEDED["app_bug"] and restored["quality"] == ["broken", "our own word"]
