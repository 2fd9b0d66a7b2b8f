"""Rebuilding report_first_response (models.report_first_response) from the replies, for loads that write replies
with triggers switched off (bench/web_data.py), and the same figure straight from the replies, for tests."""

from __future__ import annotations

import sqlalchemy as sa

REBUILD = """
INSERT INTO report_first_response (mention_id, reply_id, posted_at, agent_id)
SELECT mention_id, id, posted_at, agent_id FROM (
    SELECT mention_id, id, posted_at, COALESCE(approved_by_id, edited_by_id) AS agent_id,
           row_number() OVER (PARTITION BY mention_id ORDER BY posted_at, id) AS rank
    FROM reply WHERE status = 'posted' AND posted_at IS NOT NULL) AS ranked
WHERE rank = 1
"""


def rebuild(connection: sa.Connection) -> int:
    """Every row recomputed from the replies; returns the rows written. The caller commits."""
    connection.exec_driver_sql("DELETE FROM report_first_response")
    return int(connection.exec_driver_sql(REBUILD).rowcount)
