"""A realistic workspace for the web benchmark, written by PostgreSQL itself (INSERT .. SELECT generate_series).

Mentions span six months on nine networks in six languages; the newest are mostly still open, older ones mostly
replied to, ignored or judged to need no reply. Review networks carry titles and star ratings; authors repeat
(a few complain a lot); every mention is linked to its source as ingest does. Replies: one posted reply per
replied mention, drafts on nearly half of the open ones, a few approved, ready to paste, failed or rejected.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlmodel import Session

from inbox.auth.service import create_user
from models import Source

NETWORKS = {"x": 30, "reddit": 12, "mastodon": 5, "hackernews": 3, "rss": 2, "appstore": 14, "googleplay": 18,
            "gbp": 6, "trustpilot": 10}
REVIEW_NETWORKS = ("appstore", "googleplay", "gbp", "trustpilot")
LANGUAGES = {"en": 62, "ja": 12, "ko": 10, "es": 6, "de": 5, "pt-br": 5}
TOPICS = ("delivery", "refund", "quality", "billing", "account", "support", "price", "app_bug")
ROLES = ("agent",) * 14 + ("approver",) * 5 + ("admin",)
SPAN_DAYS = 180
SEED = 0.42

# Phrases by language and sentiment (negative, neutral, positive); English texts are also assembled from parts.
PHRASES = {
    "ja": (["配送が遅すぎます。二週間経っても届きません", "ケトルが一ヶ月で壊れました", "アプリがすぐ落ちます",
            "返金はまだですか？", "二重に請求されています", "サポートから返事がありません"],
           ["HomeKitに対応していますか？", "保証期間はどのくらいですか？", "新しいモデルはいつ出ますか"],
           ["とても静かで気に入っています", "サポートの対応が早くて助かりました", "デザインが素敵です"]),
    "ko": (["배송이 2주째 안 와요", "한 달 만에 고장났어요", "앱이 계속 튕겨요", "환불 언제 되나요?",
            "두 번 결제됐어요", "고객센터가 답이 없어요"],
           ["보증 기간이 어떻게 되나요?", "홈킷 지원하나요?", "신제품 언제 나오나요"],
           ["정말 조용하고 좋아요", "고객센터 답변이 빨랐어요", "디자인이 예뻐요"]),
    "es": (["mi pedido lleva dos semanas sin llegar", "la tetera dejó de funcionar", "me cobraron dos veces",
            "la app se cierra sola", "todavía espero el reembolso"],
           ["¿es compatible con HomeKit?", "¿cuánto dura la garantía?"],
           ["funciona genial", "el soporte me ayudó rápido", "muy silenciosa, me encanta"]),
    "de": (["meine Bestellung ist nach zwei Wochen immer noch nicht da", "der Wasserkocher ist kaputt",
            "doppelt abgebucht", "die App stürzt ständig ab", "Rückerstattung fehlt noch"],
           ["ist das mit HomeKit kompatibel?", "wie lange gilt die Garantie?"],
           ["funktioniert super", "der Support war schnell", "sehr leise, top"]),
    "pt-br": (["meu pedido não chegou depois de duas semanas", "a chaleira quebrou em um mês", "cobraram duas vezes",
               "o app fecha sozinho", "cadê meu reembolso?"],
              ["é compatível com HomeKit?", "qual é a garantia?"],
              ["funciona muito bem", "o suporte resolveu rápido", "silenciosa demais, amei"]),
}
EN_OPENERS = ["Hey @lumohome,", "Ugh.", "Honestly", "So", "Third time asking:", "PSA:", "Wow,", "@lumohome",
              "Can someone explain why", "Update:", "Not gonna lie,", "Day 12 and"]
EN_SUBJECTS = ["my Lumo kettle", "the smart lamp", "the air purifier", "my order", "the Lumo app", "the robot vacuum",
               "customer support", "the humidifier", "my refund", "the subscription", "the toaster", "the heater"]
EN_PREDICATES = (
    ["still has not arrived after two weeks", "stopped working after a month", "charged me twice",
     "keeps disconnecting from wifi", "arrived broken", "is way too loud", "leaks from the bottom",
     "never answered my email", "crashes every time I open it", "is still pending, where is my money",
     "came without the power cable", "smells like burning plastic"],
    ["is it compatible with HomeKit?", "does anyone know the warranty period?", "is on sale this weekend",
     "what is the difference between the v2 and v3?", "arrived today, setting it up now", "got a firmware update"],
    ["works great", "is honestly the best purchase this year", "arrived a day early", "was fixed by support in minutes",
     "looks lovely in the kitchen", "is so quiet I forget it is on"],
)
EN_CLOSERS = ["", "", " #lumo", " Not impressed.", " 10/10", " Any update?", " Please fix.", " Thanks!", " DM me.",
              " Would not recommend.", " Love it."]
TITLES = (["Broken after a month", "Terrible delivery", "Double charged", "Do not buy", "Support ignores me"],
          ["It is OK", "Decent", "Mixed feelings"],
          ["Love it", "Great product", "Five stars", "Fast delivery"])


def create_people(session: Session, password: str) -> list[int]:
    """The community managers who log in, and one source per network; returns the user ids."""
    ids = []
    for number, role in enumerate(ROLES, start=1):
        user = create_user(session, f"cm{number:02d}@example.com", password, role=role)
        assert user.id is not None
        ids.append(user.id)
    for network in NETWORKS:
        session.add(Source(name=f"{network} brand mentions", collector="import", network=network, config={}))
    session.flush()
    return ids


def load(connection: sa.Connection, mentions: int, user_ids: list[int], *, now: datetime | None = None) -> None:
    """Writes `mentions` mentions, their source links and their replies, then ANALYZE.

    The rows are consistent by construction, so foreign-key triggers are off for the load, and the secondary
    indexes are dropped first and rebuilt after (one sort each instead of a million random inserts).
    """
    now = now or datetime.now(timezone.utc)
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    indexes = connection.execute(sa.text(_SECONDARY_INDEXES_SQL)).all()
    for name, _definition in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    connection.execute(sa.text("SELECT setseed(:seed)"), {"seed": SEED})
    connection.execute(sa.text(_MENTIONS_SQL), {"n": mentions, "now": now, "span": f"{SPAN_DAYS} days",
                                                "users": user_ids, **_vocabulary()})
    connection.exec_driver_sql("INSERT INTO mention_source (mention_id, source_id, first_seen_at) "
                               "SELECT id, source_id, collected_at FROM mention")
    connection.execute(sa.text(_REPLIES_SQL), {"users": user_ids})
    for _name, definition in indexes:
        connection.exec_driver_sql(definition)
    connection.exec_driver_sql("SET LOCAL session_replication_role = origin")


def analyze(engine: sa.Engine) -> None:
    """VACUUM ANALYZE (outside a transaction): planner statistics and the visibility map for index-only scans."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def _vocabulary() -> dict[str, object]:
    values: dict[str, object] = {
        "networks": _weighted(NETWORKS), "languages": _weighted(LANGUAGES), "reviews": list(REVIEW_NETWORKS),
        "topics": list(TOPICS), "openers": EN_OPENERS, "subjects": EN_SUBJECTS, "closers": EN_CLOSERS,
    }
    for index, sentiment in enumerate(("neg", "neu", "pos")):
        values[f"en_{sentiment}"] = EN_PREDICATES[index]
        values[f"title_{sentiment}"] = TITLES[index]
        for language, phrases in PHRASES.items():
            values[f"{language.replace('-', '_')}_{sentiment}"] = phrases[index]
    return values


def _weighted(weights: dict[str, int]) -> list[str]:
    return [name for name, weight in weights.items() for _ in range(weight)]


def _pick(array: str, roll: str, kind: str = "text") -> str:
    typed = f"CAST(:{array} AS {kind}[])"
    return f"({typed})[1 + floor({roll} * cardinality({typed}))::int]"


def _phrase(sentiment: str) -> str:
    others = " ".join(f"WHEN '{language}' THEN {_pick(language.replace('-', '_') + '_' + sentiment, 'r.words')}"
                      for language in PHRASES)
    english = (f"{_pick('openers', 'r.opener')} || ' ' || {_pick('subjects', 'r.subject')} || ' ' || "
               f"{_pick('en_' + sentiment, 'r.words')} || '.' || {_pick('closers', 'r.closer')}")
    return f"CASE r.language {others} ELSE {english} END"


# A second topic, never the same as the first.
_other_topic = (f"(((floor(r.topic_roll * {len(TOPICS)}) + 1 + floor(r.words * {len(TOPICS) - 1}))::int "
                f"% {len(TOPICS)}) + 0.5) / {len(TOPICS)}")

_SECONDARY_INDEXES_SQL = """
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = current_schema() AND tablename IN ('mention', 'mention_source', 'reply')
  AND indexname NOT IN (SELECT conname FROM pg_constraint)
"""

# Built from the constants above only; every value from outside is a bound parameter.
_MENTIONS_SQL = f"""
WITH rolls AS (
    SELECT i, i::float / :n AS recency, random() AS status_roll, random() AS sentiment_roll,
           {_pick('networks', 'random()')} AS network, {_pick('languages', 'random()')} AS language,
           random() AS words, random() AS opener, random() AS subject, random() AS closer, random() AS topic_roll,
           random() AS confidence, random() AS author_roll, random() AS assignee_roll, random() AS jitter
    FROM generate_series(1, :n) AS i
), judged AS (
    SELECT r.*,
           CASE WHEN r.recency > 0.95 THEN
                    CASE WHEN r.status_roll < 0.03 THEN 'new' WHEN r.status_roll < 0.48 THEN 'needs_reply'
                         WHEN r.status_roll < 0.78 THEN 'no_reply' WHEN r.status_roll < 0.93 THEN 'replied'
                         ELSE 'ignored' END
                ELSE CASE WHEN r.status_roll < 0.08 THEN 'needs_reply' WHEN r.status_roll < 0.58 THEN 'no_reply'
                          WHEN r.status_roll < 0.90 THEN 'replied' ELSE 'ignored' END
           END AS status,
           CASE WHEN r.sentiment_roll < 0.38 THEN 'neg' WHEN r.sentiment_roll < 0.70 THEN 'neu' ELSE 'pos' END AS feel,
           CAST(:now AS timestamptz) - CAST(:span AS interval) * (1 - r.recency)
               - interval '90 minutes' * r.jitter AS created_at
    FROM rolls AS r
)
INSERT INTO mention (network, external_id, source_id, author, author_id, title, text, rating, url, language_hint,
                     in_reply_to_brand, created_at, collected_at, status, language, sentiment, confidence, complaint,
                     topics, reason, model_name, model_version, scored_at, assignee_id, fingerprint)
SELECT r.network, (10000000000 + r.i)::text, s.id,
       'user' || floor(200000 * r.author_roll ^ 1.5)::int, (floor(200000 * r.author_roll ^ 1.5)::int)::text,
       CASE WHEN r.network = ANY(CAST(:reviews AS text[])) THEN CASE r.feel
            WHEN 'neg' THEN {_pick('title_neg', 'r.subject')} WHEN 'neu' THEN {_pick('title_neu', 'r.subject')}
            ELSE {_pick('title_pos', 'r.subject')} END END,
       t.text,
       CASE WHEN r.network = ANY(CAST(:reviews AS text[])) THEN CASE r.feel WHEN 'neg' THEN 1 + floor(r.closer * 2)::int
            WHEN 'neu' THEN 3 ELSE 4 + floor(r.closer * 2)::int END END,
       'https://example.com/' || r.network || '/' || r.i, NULL, r.network = 'x' AND r.closer < 0.6,
       r.created_at, r.created_at + interval '3 minutes', r.status,
       CASE WHEN r.status <> 'new' THEN r.language END,
       CASE WHEN r.status <> 'new' THEN CASE r.feel WHEN 'neg' THEN 'negative' WHEN 'neu' THEN 'neutral'
            ELSE 'positive' END END,
       CASE WHEN r.status <> 'new' THEN round((0.45 + 0.55 * r.confidence)::numeric, 3)::float END,
       CASE WHEN r.status <> 'new' THEN CASE r.feel WHEN 'neg' THEN 0.35 + 0.65 * r.confidence
            ELSE 0.4 * r.confidence END END,
       CASE WHEN r.status = 'new' THEN NULL
            WHEN r.topic_roll < 0.15 THEN CAST('[]' AS json)
            WHEN r.topic_roll < 0.75 THEN json_build_array({_pick('topics', 'r.topic_roll')})
            ELSE json_build_array({_pick('topics', 'r.topic_roll')}, {_pick('topics', _other_topic)}) END,
       CASE WHEN r.status <> 'new' THEN 'cues: ' || r.feel END,
       CASE WHEN r.status <> 'new' THEN 'earful-e5-small' END, CASE WHEN r.status <> 'new' THEN '1' END,
       CASE WHEN r.status <> 'new' THEN r.created_at + interval '4 minutes' END,
       CASE WHEN r.assignee_roll < 0.08 AND r.status <> 'new'
            THEN {_pick('users', 'r.assignee_roll / 0.08', 'int')} END,
       md5(t.text)
FROM judged AS r
JOIN source AS s ON s.network = r.network
CROSS JOIN LATERAL (SELECT CASE r.feel WHEN 'neg' THEN {_phrase('neg')} WHEN 'neu' THEN {_phrase('neu')}
                                  ELSE {_phrase('pos')} END AS text) AS t
ORDER BY r.i
"""  # noqa: S608

_REPLIES_SQL = """
WITH open AS (
    SELECT m.id, m.status, m.created_at, m.text, random() AS roll, random() AS who FROM mention AS m
    WHERE m.status IN ('replied', 'needs_reply', 'ignored')
)
INSERT INTO reply (mention_id, text, status, poster, version, platform_reply_id, error, approved_by_id, edited_by_id,
                   attempts, created_at, updated_at, approved_at, posted_at)
SELECT o.id, 'Hi, thanks for reaching out about this. ' || left(o.text, 40) || ' We are on it.', v.status,
       'manual', 1 + floor(o.roll * 3)::int,
       CASE WHEN v.status = 'posted' THEN 'p' || o.id END,
       CASE WHEN v.status = 'failed' THEN 'platform refused the reply' END,
       CASE WHEN v.status IN ('posted', 'approved', 'manual')
            THEN (CAST(:users AS int[]))[1 + floor(o.who * cardinality(CAST(:users AS int[])))::int] END,
       (CAST(:users AS int[]))[1 + floor(o.roll * cardinality(CAST(:users AS int[])))::int],
       CASE WHEN v.status IN ('posted', 'failed') THEN 1 ELSE 0 END,
       o.created_at + interval '20 minutes', o.created_at + interval '30 minutes',
       CASE WHEN v.status IN ('posted', 'approved', 'manual') THEN o.created_at + interval '40 minutes' END,
       CASE WHEN v.status = 'posted' THEN o.created_at + interval '45 minutes' END
FROM open AS o
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN o.status = 'replied' THEN 'posted'
        WHEN o.status = 'ignored' THEN CASE WHEN o.roll < 0.05 THEN 'rejected' END
        WHEN o.roll < 0.44 THEN 'draft' WHEN o.roll < 0.45 THEN 'approved' WHEN o.roll < 0.46 THEN 'manual'
        WHEN o.roll < 0.465 THEN 'unknown' WHEN o.roll < 0.48 THEN 'failed' WHEN o.roll < 0.51 THEN 'rejected'
    END AS status
) AS v
WHERE v.status IS NOT NULL
ORDER BY o.id
"""
