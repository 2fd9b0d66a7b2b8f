"""0026: Chinese keywords reach every workspace's shipped topics, leave a Chinese list an admin wrote alone, and a
downgrade takes away only the lists it added; a fresh install ends with the shipped taxonomy's keywords."""

from __future__ import annotations

import importlib

import sqlalchemy as sa

from models.db import make_engine
from models.migrate import downgrade, upgrade
from models.topic_store import shipped_taxonomy

MIGRATION = importlib.import_module("models.migrations.versions.0026_topic_keywords_zh")
TOPIC = sa.table("topic", sa.column("name", sa.String), sa.column("keywords", sa.JSON))


def keywords_by_topic(url: str) -> dict[str, dict[str, list[str]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {name: keywords or {} for name, keywords in connection.execute(sa.select(TOPIC.c.name,
                                                                                             TOPIC.c.keywords))}
    finally:
        engine.dispose()


def set_chinese_keywords(url: str, name: str, words: list[str]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            keywords = connection.execute(sa.select(TOPIC.c.keywords).where(TOPIC.c.name == name)).scalar_one()
            connection.execute(TOPIC.update().where(TOPIC.c.name == name).values(keywords={**keywords, "zh": words}))
    finally:
        engine.dispose()


def test_a_fresh_install_has_the_shipped_keywords_in_every_language(fresh_database_url: str) -> None:
    shipped = {name: dict(spec["keywords"]) for name, spec in shipped_taxonomy().items()}
    assert keywords_by_topic(fresh_database_url) == shipped
    assert {name: words["zh"] for name, words in shipped.items() if "zh" in words} == MIGRATION.CHINESE


def test_an_admins_chinese_list_stands_and_downgrading_removes_only_what_it_added(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "0025")
    before = keywords_by_topic(fresh_database_url)
    assert not any("zh" in words for words in before.values())
    set_chinese_keywords(fresh_database_url, "delivery", ["我们的词"])
    upgrade(fresh_database_url)
    after = keywords_by_topic(fresh_database_url)
    assert after["delivery"]["zh"] == ["我们的词"] and after["refund"]["zh"] == MIGRATION.CHINESE["refund"]
    assert after["refund"]["en"] == before["refund"]["en"]  # other languages untouched
    set_chinese_keywords(fresh_database_url, "price", ["太贵"])  # an edit after the upgrade
    downgrade(fresh_database_url, "0025")
    restored = keywords_by_topic(fresh_database_url)
    assert "zh" not in restored["refund"] and restored["refund"] == before["refund"]
    assert restored["delivery"]["zh"] == ["我们的词"] and restored["price"]["zh"] == ["太贵"]
