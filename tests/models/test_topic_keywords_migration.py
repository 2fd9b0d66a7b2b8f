"""0025: the English keyword fixes reach every workspace whose topics still hold the seeded keywords, and leave an
admin's edited topic alone; a fresh install ends with the shipped taxonomy's keywords."""

from __future__ import annotations

import importlib
import json

import sqlalchemy as sa

from models.db import make_engine
from models.migrate import downgrade, upgrade
from models.topic_store import shipped_taxonomy

MIGRATION = importlib.import_module("models.migrations.versions.0025_topic_keywords_en")
SEED = importlib.import_module("models.migrations.versions.0011_topic_taxonomy")
TOPIC = sa.table("topic", sa.column("name", sa.String), sa.column("keywords", sa.JSON))


def english_keywords(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(TOPIC.c.name, TOPIC.c.keywords)).all()
    finally:
        engine.dispose()
    return {name: (keywords or {}).get("en") for name, keywords in rows}


def set_english_keywords(url: str, name: str, words: list[str]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            keywords = connection.execute(sa.select(TOPIC.c.keywords).where(TOPIC.c.name == name)).scalar_one()
            connection.execute(TOPIC.update().where(TOPIC.c.name == name).values(keywords={**keywords, "en": words}))
    finally:
        engine.dispose()


def test_what_it_replaces_is_what_0011_seeded() -> None:
    seeded = json.loads(SEED.SHIPPED_TOPICS)
    assert {name: seeded[name]["keywords"]["en"] for name in MIGRATION.SEEDED} == MIGRATION.SEEDED


def test_a_fresh_install_has_the_shipped_keywords(fresh_database_url: str) -> None:
    shipped = {name: spec["keywords"].get("en") for name, spec in shipped_taxonomy().items()}
    assert english_keywords(fresh_database_url) == shipped


def test_an_edited_topic_keeps_its_keywords_and_downgrading_restores_the_seed(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "0024")
    set_english_keywords(fresh_database_url, "quality", ["broken", "our own word"])
    upgrade(fresh_database_url)
    after = english_keywords(fresh_database_url)
    assert after["quality"] == ["broken", "our own word"]  # the admin's list stands
    assert after["app_bug"] == MIGRATION.NOW["app_bug"] and "frozen" not in after["app_bug"]
    downgrade(fresh_database_url, "0024")
    restored = english_keywords(fresh_database_url)
    assert restored["app_bug"] == MIGRATION.SEEDED["app_bug"] and restored["quality"] == ["broken", "our own word"]
