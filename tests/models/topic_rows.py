"""Reading and writing the topic table's keywords directly, as a migration leaves them (for the keyword migrations'
tests)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models.db import make_engine

TOPIC = sa.table("topic", sa.column("name", sa.String), sa.column("keywords", sa.JSON))


def keywords_by_topic(url: str) -> dict[str, dict[str, Any]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(TOPIC.c.name, TOPIC.c.keywords)).all()
    finally:
        engine.dispose()
    return {name: keywords or {} for name, keywords in rows}


def keywords_in(url: str, language: str) -> dict[str, list[str] | None]:
    return {name: keywords.get(language) for name, keywords in keywords_by_topic(url).items()}


def set_keywords(url: str, name: str, language: str, words: list[str]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            keywords = connection.execute(sa.select(TOPIC.c.keywords).where(TOPIC.c.name == name)).scalar_one()
            connection.execute(TOPIC.update().where(TOPIC.c.name == name).values(keywords={**keywords,
                                                                                           language: words}))
    finally:
        engine.dispose()
