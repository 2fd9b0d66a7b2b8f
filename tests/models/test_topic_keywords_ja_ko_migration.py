"""0027: the Japanese and Korean keyword additions reach every workspace whose topics still hold the seeded lists,
leave an admin's edited list alone, and a downgrade restores the seed; a fresh install ends with the shipped lists."""

from __future__ import annotations

import importlib
import json

from models.migrate import downgrade, upgrade
from models.topic_store import shipped_taxonomy
from tests.models.topic_rows import keywords_in, set_keywords

MIGRATION = importlib.import_module("models.migrations.versions.0027_topic_keywords_ja_ko")
SEED = importlib.import_module("models.migrations.versions.0011_topic_taxonomy")


def test_what_it_extends_is_what_0011_seeded() -> None:
    seeded = json.loads(SEED.SHIPPED_TOPICS)
    assert {language: {name: seeded[name]["keywords"][language] for name in topics}
            for language, topics in MIGRATION.SEEDED.items()} == MIGRATION.SEEDED


def test_a_fresh_install_has_the_shipped_keywords(fresh_database_url: str) -> None:
    for language in ("ja", "ko"):
        assert keywords_in(fresh_database_url, language) == {name: spec["keywords"].get(language)
                                                             for name, spec in shipped_taxonomy().items()}


def test_an_edited_list_stands_and_downgrading_restores_the_seed(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "0026")
    set_keywords(fresh_database_url, "quality", "ja", ["壊れ", "私たちの言葉"])
    upgrade(fresh_database_url)
    ja, ko = keywords_in(fresh_database_url, "ja"), keywords_in(fresh_database_url, "ko")
    assert ja["quality"] == ["壊れ", "私たちの言葉"]  # the admin's list stands
    assert ko["quality"] == MIGRATION.SEEDED["ko"]["quality"] + MIGRATION.ADDED["ko"]["quality"]
    assert "電源が入らな" in MIGRATION.ADDED["ja"]["quality"]
    downgrade(fresh_database_url, "0026")
    assert keywords_in(fresh_database_url, "ko")["quality"] == MIGRATION.SEEDED["ko"]["quality"]
    assert keywords_in(fresh_database_url, "ja")["quality"] == ["壊れ", "私たちの言葉"]
