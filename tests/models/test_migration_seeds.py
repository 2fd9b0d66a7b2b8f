"""Migrations carry their own seed data: they import no application code, and a fresh install seeds fixed rows.

A migration that reads the application's current data or helpers seeds one set of rows on an install upgraded
when it was written and another on a fresh install once that code changes; frozen, every install gets the same.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.db import make_engine

VERSIONS = Path(__file__).resolve().parents[2] / "models" / "migrations" / "versions"
APPLICATION = {"models", "listener", "sentiment", "responder", "alerts", "reports", "web", "settings", "worker",
               "bench", "tests"}
# `import models.base` only: the column types autogenerate writes into the DDL (UTCDateTime), never data.
ALLOWED = {"models.base"}


def application_imports(path: Path) -> list[str]:
    """Every module of the application the file imports, at module level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name not in ALLOWED]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)  # `from models.base import utcnow` borrows a helper, not a column type
    return [name for name in found if name.split(".")[0] in APPLICATION]


def test_the_scan_finds_application_imports_anywhere(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import models.base\nimport sqlalchemy as sa\nfrom alembic import op\n\n"
                      "def _seed():\n    from responder.lint.rules import default_rules\n"
                      "    from models.base import utcnow\n    import listener.ingest.duplicates\n", encoding="utf-8")
    assert application_imports(sample) == ["responder.lint.rules", "models.base", "listener.ingest.duplicates"]


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda path: path.name)
def test_a_migration_imports_no_application_code(path: Path) -> None:
    assert application_imports(path) == [], f"{path.name}: copy the data or helper into the migration instead"


LINT_RULE = sa.table("lint_rule", *(sa.column(name, kind) for name, kind in (
    ("id", sa.Integer), ("code", sa.String), ("kind", sa.String), ("networks", sa.JSON), ("languages", sa.JSON),
    ("params", sa.JSON), ("message", sa.String), ("severity", sa.String), ("enabled", sa.Boolean))))
TOPIC = sa.table("topic", *(sa.column(name, kind) for name, kind in (
    ("id", sa.Integer), ("name", sa.String), ("description", sa.String), ("keywords", sa.JSON),
    ("examples", sa.JSON), ("position", sa.Integer), ("active", sa.Boolean))))
# What a fresh install seeded before the seeds were frozen into 0005 and 0011 (18 lint rules, 9 topics), with the
# English keyword fixes of 0025 (the topics' digest was d3f0543d... before it), the Chinese keywords of 0026
# (8a9ad102... before it) and the Japanese and Korean additions of 0027 (1c72f1e7... before it).
SEEDED = {"lint_rule": (18, "168ded7bef7ab5961c1151ee982a7598b4db0be02841e179681fdfe2cc699d8e"),
          "topic": (9, "bcb2463bf43408daedad483bb87e68eab974e6539b2a3a5ce9b24d261d85865f")}


def test_a_fresh_install_seeds_the_same_rows(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            seeded = {}
            for table in (LINT_RULE, TOPIC):
                rows = [dict(row._mapping) for row in connection.execute(sa.select(table).order_by(table.c.id))]
                digest = hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
                seeded[table.name] = (len(rows), digest)
    finally:
        engine.dispose()
    assert seeded == SEEDED
