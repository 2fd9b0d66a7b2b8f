"""0026: Chinese keywords reach every workspace's shipped topics, leave a Chinese list an admin wrote alone, and a
downgrade takes away only the lists it added; a fresh install ends with the shipped taxonomy's keywords."""

from __future__ import annotations

import importlib

from models.migrate import downgrade, upgrade
from models.topic_store import shipped_taxonomy
from tests.models.topic_rows import keywords_by_topic, set_keywords

MIGRATION = importlib.import_module("models.migrations.versions.0026_topic_keywords_zh")


def test_a_fresh_install_has_the_shipped_keywords_in_every_language(fresh_database_url: str) -> None:
    shipped = {name: dict(spec["keywords"]) for name, spec in shipped_taxonomy().items()}
    assert keywords_by_topic(fresh_database_url) == shipped
    assert {name: words["zh"] for name, words in shipped.items() if "zh" in words} == MIGRATION.CHINESE


def test_an_admins_chinese_list_stands_and_downgrading_removes_only_what_it_added(fresh_database_url: str) -> None:
    downgrade(fresh_database_url, "0025")
    before = keywords_by_topic(fresh_database_url)
    assert not any("zh" in words for words in before.values())
    set_keywords(fresh_database_url, "delivery", "zh", ["我们的词"])
    upgrade(fresh_database_url)
    after = keywords_by_topic(fresh_database_url)
    assert after["delivery"]["zh"] == ["我们的词"] and after["refund"]["zh"] == MIGRATION.CHINESE["refund"]
    assert after["refund"]["en"] == before["refund"]["en"]  # other languages untouched
    set_keywords(fresh_database_url, "price", "zh", ["太贵"])  # an edit after the upgrade
    downgrade(fresh_database_url, "0025")
    restored = keywords_by_topic(fresh_database_url)
    assert "zh" not in restored["refund"] and restored["refund"] == before["refund"]
    assert restored["delivery"]["zh"] == ["我们的词"] and restored["price"]["zh"] == ["太贵"]
