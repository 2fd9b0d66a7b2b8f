"""CJK bigram search: a GIN index over the pairs of adjacent CJK characters of the search text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:30:00

A trigram index cannot serve a two-character search term, the usual length of a Japanese or Korean word
(配送, 환불). PostgreSQL only; see models/cjk_search.py.
"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Frozen copies of models.cjk_search.BIGRAMS_FUNCTION and models.mention.search_document() at this revision.
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION earful_cjk_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(array_agg(DISTINCT substr(run[1], i, 2)), '{}')
  FROM regexp_matches(doc, '([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]{2,})', 'g') AS run,
       generate_series(1, char_length(run[1]) - 1) AS i
$fn$"""
SEARCH_DOCUMENT = "(text || ' ' || coalesce(title, '') || ' ' || author)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BIGRAMS_FUNCTION)
        op.execute(f"CREATE INDEX ix_mention_search_cjk ON mention USING gin (earful_cjk_bigrams({SEARCH_DOCUMENT}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_mention_search_cjk")
        op.execute("DROP FUNCTION earful_cjk_bigrams(text)")
