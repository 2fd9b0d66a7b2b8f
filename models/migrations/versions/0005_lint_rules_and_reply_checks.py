"""lint rules (seeded with the shipped defaults) and mention embeddings for similar replies

The seed is frozen here, not read from responder/lint_rules.json (now responder/lint/rules.json): a migration
seeds the same rows on every install whatever the application ships later (a rule shipped after this runs from the
file until an admin edits it). It is the file as fresh installs seeded it until the seed was frozen (commit 221d98a).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    lint_rule = op.create_table('lint_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('networks', sa.JSON(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('mention_embedding',
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.PrimaryKeyConstraint('mention_id')
    )
    with op.batch_alter_table('mention_embedding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_embedding_model'), ['model'], unique=False)
    _seed(lint_rule)


def _seed(lint_rule: sa.Table | None) -> None:
    """The shipped defaults become the workspace's rules, which admins then edit."""
    assert lint_rule is not None
    now = datetime.now(timezone.utc)
    op.bulk_insert(lint_rule, [{**_row(item), "updated_at": now} for item in json.loads(SHIPPED_RULES)])


def _row(item: dict[str, Any]) -> dict[str, Any]:
    return {"code": item["code"], "kind": item["kind"], "message": item["message"],
            "severity": item.get("severity", "warn"), "networks": item.get("networks"),
            "languages": item.get("languages"), "params": item.get("params") or {},
            "enabled": item.get("enabled", True)}


def downgrade() -> None:
    with op.batch_alter_table('mention_embedding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_embedding_model'))
    op.drop_table('mention_embedding')
    op.drop_table('lint_rule')


# responder/lint_rules.json as fresh installs seeded it (commit 221d98a)
SHIPPED_RULES = r'''
[
  {"code": "empty", "kind": "empty", "severity": "block",
   "message": "The reply is empty."},
  {"code": "unfilled_variables", "kind": "unfilled_variables", "severity": "block",
   "message": "The reply has unfilled variables: {found}. Replace them with real words."},
  {"code": "prompted_fields", "kind": "prompted_fields", "severity": "block",
   "message": "Fill in {found} before approving."},

  {"code": "length_x", "kind": "length", "networks": ["x"], "severity": "block",
   "params": {"limit": 280, "weighted": true},
   "message": "{used} characters, over the limit of {limit} ({over} over): X counts every link as 23 and CJK or emoji as 2."},
  {"code": "length_googleplay", "kind": "length", "networks": ["googleplay"], "severity": "block",
   "params": {"limit": 350},
   "message": "{used} characters, over the limit of {limit} ({over} over): Google Play rejects longer replies."},
  {"code": "length_reddit", "kind": "length", "networks": ["reddit"], "severity": "block",
   "params": {"limit": 10000},
   "message": "{used} characters, over the limit of {limit} ({over} over): Reddit rejects longer comments."},
  {"code": "length_appstore", "kind": "length", "networks": ["appstore"], "severity": "block",
   "params": {"limit": 5970},
   "message": "{used} characters, over the limit of {limit} ({over} over): App Store Connect rejects longer responses."},
  {"code": "length_mastodon", "kind": "length", "networks": ["mastodon"], "severity": "block",
   "params": {"limit": 500},
   "message": "{used} characters, over the limit of {limit} ({over} over): most Mastodon servers reject longer posts."},
  {"code": "length_gbp", "kind": "length", "networks": ["gbp"], "severity": "block",
   "params": {"limit": 4096},
   "message": "{used} characters, over the limit of {limit} ({over} over): Google Business Profile rejects longer replies."},

  {"code": "no_dm_appstore", "kind": "forbidden_phrases", "networks": ["appstore"], "severity": "block",
   "params": {"phrases": {
     "en": ["dm", "dms", "direct message", "direct messages", "private message", "pm us", "inbox us"],
     "ja": ["DM", "ダイレクトメッセージ", "個別メッセージ"],
     "ko": ["DM", "다이렉트 메시지", "쪽지"]}},
   "message": "Offers a direct message ({found}), but the App Store has none: the customer cannot DM you from a review. Point them to your support page or an email address."},
  {"code": "no_dm_googleplay", "kind": "forbidden_phrases", "networks": ["googleplay"], "severity": "block",
   "params": {"phrases": {
     "en": ["dm", "dms", "direct message", "direct messages", "private message", "pm us", "inbox us"],
     "ja": ["DM", "ダイレクトメッセージ", "個別メッセージ"],
     "ko": ["DM", "다이렉트 메시지", "쪽지"]}},
   "message": "Offers a direct message ({found}), but Google Play has none: the customer cannot DM you from a review. Point them to your support page or an email address."},

  {"code": "x_not_addressed", "kind": "x_addressed", "networks": ["x"], "severity": "warn",
   "message": "X lets the API answer only posts that @mention or quote the brand account, and this one does not: it will not be posted through the API. Reply manually: approving hands it to you to paste."},
  {"code": "replaces_existing_reply", "kind": "existing_reply", "networks": ["googleplay", "appstore", "gbp", "trustpilot"],
   "severity": "warn",
   "message": "This review already has a reply from you{when}; a review holds one reply, so posting replaces it."},
  {"code": "language_mismatch", "kind": "language_mismatch", "severity": "warn",
   "params": {"min_letters": 12},
   "message": "The reply reads as {reply_language}, but the customer wrote in {mention_language}."},

  {"code": "blaming", "kind": "forbidden_phrases", "severity": "warn",
   "params": {"phrases": {
     "en": ["you should have", "your fault", "you failed to", "you forgot to", "you didn't read", "user error",
            "as clearly stated", "you were supposed to", "you must have"],
     "ja": ["お客様の責任", "お客様のせい", "お客様の過失", "お客様の不注意", "ご確認不足", "説明書をお読みください"],
     "ko": ["고객님의 잘못", "고객님 책임", "고객님의 실수", "고객님의 부주의", "확인하셨어야", "하셨어야 합니다"]}},
   "message": "Blames the customer ({found}). Our guide: own the problem, never the customer's fault."},
  {"code": "apology_missing", "kind": "apology", "severity": "warn",
   "params": {"phrases": {
     "en": ["sorry", "apologise", "apologize", "apologies", "apologizes", "apologises"],
     "ja": ["申し訳", "すみません", "お詫び", "ごめんなさい", "失礼いたしました"],
     "ko": ["죄송", "사과드", "미안합니다", "양해 부탁"]}},
   "message": "The customer is complaining and the reply does not apologise. Our guide: say sorry first."},
  {"code": "refund_promise", "kind": "refund_promise", "severity": "block",
   "params": {"phrases": {
     "en": ["refund", "money back", "reimburse"],
     "ja": ["返金", "払い戻し"],
     "ko": ["환불"]}},
   "message": "Mentions a refund ({found}) that its saved reply does not offer. Only a saved reply approved for refunds may promise one."},
  {"code": "personal_data_request", "kind": "personal_data", "severity": "block",
   "params": {"phrases": {
     "en": ["phone number", "your number", "your address", "home address", "shipping address", "card number",
            "card details", "credit card", "cvv", "password", "your email", "email address", "order email",
            "date of birth"],
     "ja": ["電話番号", "ご住所", "住所を", "カード番号", "カード情報", "パスワード", "メールアドレス", "生年月日"],
     "ko": ["전화번호", "연락처를", "주소를", "카드 번호", "카드번호", "카드 정보", "비밀번호", "이메일 주소", "생년월일"]},
     "private_channels": {
     "en": ["dm", "direct message", "private message", "message us", "email us", "e-mail us", "privately"],
     "ja": ["DM", "ダイレクトメッセージ", "メッセージにて", "メールにて", "メールで", "公開の場に書かず"],
     "ko": ["DM", "다이렉트 메시지", "쪽지", "메시지로", "이메일로", "메일로", "비공개"]}},
   "message": "Asks for personal data in public ({found}). Never ask for it in the reply: offer a DM or an email address instead."}
]
'''
