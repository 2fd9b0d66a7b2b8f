"""report_first_response (each mention's first posted reply) and report_mention_hour (mention counts per hour),
kept by triggers on reply and mention, backfilled here

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 11:30:00
"""

# ruff: noqa: S608  (the SQL below is assembled from this file's own constants: no outside value reaches it)
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# One mention's first posted reply, recomputed (TARGET: the mention id's expression).
REFRESH = """DELETE FROM report_first_response WHERE mention_id = TARGET;
INSERT INTO report_first_response (mention_id, reply_id, posted_at, agent_id)
SELECT mention_id, id, posted_at, COALESCE(approved_by_id, edited_by_id) FROM reply
WHERE mention_id = TARGET AND status = 'posted' AND posted_at IS NOT NULL ORDER BY posted_at, id LIMIT 1;"""
# A frozen copy of reports.first_response.REBUILD at the time of writing.
BACKFILL = """
INSERT INTO report_first_response (mention_id, reply_id, posted_at, agent_id)
SELECT mention_id, id, posted_at, agent_id FROM (
    SELECT mention_id, id, posted_at, COALESCE(approved_by_id, edited_by_id) AS agent_id,
           row_number() OVER (PARTITION BY mention_id ORDER BY posted_at, id) AS rank
    FROM reply WHERE status = 'posted' AND posted_at IS NOT NULL) AS ranked
WHERE rank = 1
"""
WATCHED = "status, posted_at, approved_by_id, edited_by_id, mention_id"

# One mention's row at a time, under a per-mention advisory lock: two replies to one mention posted at once are
# serialised, and the second recomputes from a snapshot that sees the first (READ COMMITTED).
PG_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION earful_first_response_refresh(target integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(22022, target);
    """ + REFRESH.replace("TARGET", "target") + """
END $$""",
    """CREATE OR REPLACE FUNCTION earful_first_response_on_reply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'posted' THEN
        PERFORM earful_first_response_refresh(OLD.mention_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'posted'
            AND (TG_OP = 'INSERT' OR OLD.status <> 'posted' OR OLD.mention_id <> NEW.mention_id) THEN
        PERFORM earful_first_response_refresh(NEW.mention_id);
    END IF;
    RETURN NULL;
END $$""",
    f"""CREATE TRIGGER trg_reply_first_response AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON reply
FOR EACH ROW EXECUTE FUNCTION earful_first_response_on_reply()""",
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER trg_reply_first_response_insert AFTER INSERT ON reply WHEN NEW.status = 'posted' "
    "BEGIN " + REFRESH.replace("TARGET", "NEW.mention_id") + " END",
    f"CREATE TRIGGER trg_reply_first_response_update AFTER UPDATE OF {WATCHED} ON reply "
    "WHEN OLD.status = 'posted' OR NEW.status = 'posted' "
    "BEGIN " + REFRESH.replace("TARGET", "OLD.mention_id") + " " + REFRESH.replace("TARGET", "NEW.mention_id") + " END",
    "CREATE TRIGGER trg_reply_first_response_delete AFTER DELETE ON reply WHEN OLD.status = 'posted' "
    "BEGIN " + REFRESH.replace("TARGET", "OLD.mention_id") + " END",
]

# Mention counts per hour: MEASURES_SQL's columns, each moved by SIGN for the mention row ROW (NEW or OLD).
MEASURES = ("mentions", "positive", "neutral", "negative", "complaints", "rated", "rating_sum",
            "stars_1", "stars_2", "stars_3", "stars_4", "stars_5")
DELTAS = ("SIGN", "CASE WHEN ROW.sentiment = 'positive' THEN SIGN ELSE 0 END",
          "CASE WHEN ROW.sentiment = 'neutral' THEN SIGN ELSE 0 END",
          "CASE WHEN ROW.sentiment = 'negative' THEN SIGN ELSE 0 END",
          "CASE WHEN ROW.complaint >= 0.5 THEN SIGN ELSE 0 END",
          "CASE WHEN ROW.rating IS NOT NULL THEN SIGN ELSE 0 END", "SIGN * COALESCE(ROW.rating, 0)",
          *(f"CASE WHEN ROW.rating = {stars} THEN SIGN ELSE 0 END" for stars in range(1, 6)))
KEY = ("hour_start = HOUR AND network = ROW.network AND source_id IS NOT DISTINCT FROM ROW.source_id "
       "AND language IS NOT DISTINCT FROM ROW.language")
ONE_ROW = "id = (SELECT id FROM report_mention_hour WHERE " + KEY + " LIMIT 1)"
MOVE = ("UPDATE report_mention_hour SET " + ", ".join(f"{name} = {name} + {delta}" for name, delta
                                                    in zip(MEASURES, DELTAS, strict=True)) + " WHERE " + ONE_ROW)
ALL_ZERO = " AND ".join(f"{name} = 0" for name in MEASURES)
DROP_EMPTY = "DELETE FROM report_mention_hour WHERE " + KEY + " AND " + ALL_ZERO
COLUMNS = "hour_start, network, source_id, language, " + ", ".join(MEASURES)
COUNTED = "created_at, network, source_id, language, sentiment, complaint, rating"
CHANGED = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in COUNTED.split(", "))
PG_HOUR = "date_trunc('hour', ROW.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
SQLITE_HOUR = "(substr(ROW.created_at, 1, 13) || ':00:00.000000')"


def _pg_hour_functions() -> list[str]:
    """The PostgreSQL side: one row's contribution moved under an advisory lock on its key, so two writers never
    both insert a row for the same new key. The function takes the columns, not the row type, so that nothing
    outside the table depends on the mention type (dropping the table drops the trigger with it)."""
    def fields(text: str) -> str:
        return text.replace("ROW.", "p_").replace("SIGN", "sign")

    move = fields(MOVE.replace("HOUR", "h"))
    insert = ("INSERT INTO report_mention_hour (" + COLUMNS + ") VALUES (h, p_network, p_source_id, p_language, "
              + fields(", ".join(DELTAS)) + ")")
    drop = fields(DROP_EMPTY.replace("HOUR", "h"))
    arguments = ", ".join("{row}." + name for name in COUNTED.split(", "))
    return [
        """CREATE OR REPLACE FUNCTION earful_mention_hour_move(p_created_at timestamptz, p_network varchar,
    p_source_id integer, p_language varchar, p_sentiment varchar, p_complaint double precision, p_rating integer,
    sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    h timestamptz := """ + fields(PG_HOUR) + """;
BEGIN
    PERFORM pg_advisory_xact_lock(22023, hashtext(extract(epoch FROM h)::bigint::text || '|' || p_network || '|'
        || coalesce(p_source_id::text, '') || '|' || coalesce(p_language, '')));
    """ + move + """;
    IF NOT FOUND THEN
        """ + insert + """;
    ELSIF sign < 0 THEN
        """ + drop + """;
    END IF;
END $$""",
        """CREATE OR REPLACE FUNCTION earful_mention_hour_on_mention() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (""" + CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ") + """) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM earful_mention_hour_move(""" + arguments.replace("{row}", "OLD") + """, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM earful_mention_hour_move(""" + arguments.replace("{row}", "NEW") + """, 1);
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER trg_mention_hour AFTER INSERT OR DELETE OR UPDATE OF {COUNTED} ON mention
FOR EACH ROW EXECUTE FUNCTION earful_mention_hour_on_mention()""",
    ]


def _sqlite_moves(row: str, sign: str) -> str:
    key = KEY.replace("IS NOT DISTINCT FROM", "IS").replace("HOUR", SQLITE_HOUR).replace("ROW", row)
    ensure = ("INSERT INTO report_mention_hour (" + COLUMNS + ") SELECT " + SQLITE_HOUR.replace("ROW", row)
              + f", {row}.network, {row}.source_id, {row}.language, " + ", ".join("0" for _ in MEASURES)
              + " WHERE NOT EXISTS (SELECT 1 FROM report_mention_hour WHERE " + key + ");")
    move = (MOVE.replace("IS NOT DISTINCT FROM", "IS").replace("HOUR", SQLITE_HOUR).replace("ROW", row)
            .replace("SIGN", sign) + ";")
    drop = "DELETE FROM report_mention_hour WHERE " + key + " AND " + ALL_ZERO + ";"
    return " ".join((ensure, move, drop))


def _sqlite_hour_triggers() -> list[str]:
    return [
        "CREATE TRIGGER trg_mention_hour_insert AFTER INSERT ON mention BEGIN " + _sqlite_moves("NEW", "1")
        + " END",
        "CREATE TRIGGER trg_mention_hour_delete AFTER DELETE ON mention BEGIN " + _sqlite_moves("OLD", "-1")
        + " END",
        f"CREATE TRIGGER trg_mention_hour_update AFTER UPDATE OF {COUNTED} ON mention WHEN {CHANGED} BEGIN "
        + _sqlite_moves("OLD", "-1") + " " + _sqlite_moves("NEW", "1") + " END",
    ]


def _hour_backfill(dialect: str) -> str:
    hour = (PG_HOUR if dialect == "postgresql" else SQLITE_HOUR).replace("ROW.", "")
    sums = ", ".join(f"SUM({delta})" for delta in DELTAS).replace("ROW.", "").replace("SIGN", "1")
    return (f"INSERT INTO report_mention_hour ({COLUMNS}) SELECT {hour}, network, source_id, language, {sums} "
            f"FROM mention GROUP BY {hour}, network, source_id, language")


def upgrade() -> None:
    op.create_table('report_first_response',
    sa.Column('mention_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mention_id')
    )
    statements = PG_FUNCTIONS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)
    op.execute(BACKFILL)
    op.create_table('report_mention_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hour_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('network', sa.String(length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in MEASURES),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_report_mention_hour_key', 'report_mention_hour',
                    ['hour_start', 'network', 'language', 'source_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _pg_hour_functions() if dialect == "postgresql" else _sqlite_hour_triggers():
        op.execute(statement)
    op.execute(_hour_backfill(dialect))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_mention_hour ON mention")
        op.execute("DROP FUNCTION IF EXISTS earful_mention_hour_on_mention()")
        op.execute("DROP FUNCTION IF EXISTS earful_mention_hour_move(timestamptz, varchar, integer, varchar, "
                   "varchar, double precision, integer, integer)")
        op.execute("DROP TRIGGER IF EXISTS trg_reply_first_response ON reply")
        op.execute("DROP FUNCTION IF EXISTS earful_first_response_on_reply()")
        op.execute("DROP FUNCTION IF EXISTS earful_first_response_refresh(integer)")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_reply_first_response_{event}")
            op.execute(f"DROP TRIGGER IF EXISTS trg_mention_hour_{event}")
    op.drop_index('ix_report_mention_hour_key', table_name='report_mention_hour')
    op.drop_table('report_mention_hour')
    op.drop_table('report_first_response')
