"""topic taxonomy as a table (seeded with the shipped sentiment/data/topics.json), edited by admins

The seed is frozen here (topics.json as of the commit that added this migration, 13afc8b), not read from the
application: every install seeds the same rows whatever the application ships later.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    topic = op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    _seed(topic)


def _seed(topic: sa.Table | None) -> None:
    """The shipped taxonomy becomes the workspace's topics, which admins then edit."""
    assert topic is not None
    now = datetime.now(timezone.utc)
    rows = [{"name": name, "description": spec["description"], "keywords": spec.get("keywords") or {},
             "examples": spec.get("examples") or {}, "position": position, "active": True, "updated_at": now}
            for position, (name, spec) in enumerate(json.loads(SHIPPED_TOPICS).items())]
    op.bulk_insert(topic, rows)


def downgrade() -> None:
    op.drop_table('topic')


# sentiment/data/topics.json as of commit 13afc8b
SHIPPED_TOPICS = r'''
{
  "delivery": {
    "description": "shipping, delivery, parcels that are late, lost, damaged in transit or sent to the wrong place",
    "keywords": {
      "en": ["deliver", "delivery", "shipping", "shipped", "shipment", "parcel", "package", "courier", "tracking", "arrive", "arrived", "never came", "late order", "dispatch", "postage", "lost in transit", "driver", "usps", "ups", "fedex", "dhl"],
      "ja": ["配送", "配達", "届か", "届い", "届き", "発送", "荷物", "宅配", "置き配", "不在票", "追跡", "到着", "持ち戻り", "梱包"],
      "ko": ["배송", "배달", "택배", "도착", "발송", "송장", "운송장", "기사님", "포장"]
    },
    "examples": {
      "en": ["my order has not arrived yet", "the parcel is two weeks late", "the courier left my package at the wrong address", "still waiting for my delivery"],
      "ja": ["注文した商品がまだ届かない", "荷物の配達が遅れている", "配送予定日を過ぎても来ない"],
      "ko": ["주문한 물건이 아직 안 왔어요", "택배가 일주일째 안 와요", "배송이 너무 늦어요"]
    }
  },
  "refund": {
    "description": "refunds, returns, exchanges, cancellations and getting money back",
    "keywords": {
      "en": ["refund", "money back", "return", "returned", "exchange", "reimburse", "chargeback", "cancel my order", "cancellation"],
      "ja": ["返金", "返品", "交換", "キャンセル", "払い戻し", "お金返して"],
      "ko": ["환불", "반품", "교환", "취소", "돈 돌려"]
    },
    "examples": {
      "en": ["I want my money back", "still waiting for my refund", "I returned the item and got nothing back", "please cancel my order and refund me"],
      "ja": ["返金がまだされていない", "返品したのにお金が戻ってこない", "注文をキャンセルして返金してほしい"],
      "ko": ["환불이 아직 안 됐어요", "반품했는데 돈을 못 돌려받았어요", "주문 취소하고 환불해 주세요"]
    }
  },
  "quality": {
    "description": "defective, broken, damaged or poor-quality products, wrong items, food quality",
    "keywords": {
      "en": ["broken", "broke", "defective", "faulty", "damaged", "quality", "cheap", "stopped working", "wrong item", "wrong size", "cracked", "torn", "stale", "cold food", "expired", "smell", "not as described", "fake"],
      "ja": ["壊れ", "不良", "品質", "傷", "割れ", "破れ", "汚れ", "冷め", "賞味期限", "違う", "毛玉", "断線", "虫", "潰れ", "臭"],
      "ko": ["고장", "불량", "품질", "파손", "깨졌", "찢어", "하자", "냄새", "유통기한", "다른 제품", "짝퉁"]
    },
    "examples": {
      "en": ["the product broke after one day", "it arrived damaged and does not work", "poor quality, fell apart quickly", "they sent me the wrong item"],
      "ja": ["商品がすぐに壊れた", "品質が悪くて使い物にならない", "届いた商品が不良品だった"],
      "ko": ["제품이 하루 만에 고장났어요", "품질이 너무 안 좋아요", "불량품이 왔어요"]
    }
  },
  "billing": {
    "description": "charges, invoices, payments, double billing, subscriptions and unexpected fees",
    "keywords": {
      "en": ["charged", "charge", "bill", "billing", "invoice", "payment", "overcharged", "double charged", "subscription", "credit card", "debit", "fee", "receipt", "auto-renew", "autorenew"],
      "ja": ["請求", "引き落とし", "料金", "支払", "決済", "課金", "領収書", "クレジットカード", "手数料", "サブスク"],
      "ko": ["결제", "청구", "요금", "카드", "이중", "영수증", "구독", "수수료", "자동이체"]
    },
    "examples": {
      "en": ["I was charged twice", "unexpected charge on my card", "my subscription renewed without asking", "the invoice amount is wrong"],
      "ja": ["二重に請求されている", "身に覚えのない引き落としがあった", "勝手にサブスクが更新された"],
      "ko": ["결제가 두 번 됐어요", "카드에서 모르는 금액이 빠져나갔어요", "구독이 자동으로 결제됐어요"]
    }
  },
  "account": {
    "description": "logging in, passwords, locked or suspended accounts, profile and email changes",
    "keywords": {
      "en": ["account", "log in", "login", "logged out", "sign in", "password", "locked out", "suspended", "banned", "2fa", "verification code", "username", "email address", "hacked"],
      "ja": ["アカウント", "ログイン", "パスワード", "凍結", "認証", "メールアドレス", "乗っ取"],
      "ko": ["계정", "로그인", "비밀번호", "정지", "인증", "아이디", "해킹"]
    },
    "examples": {
      "en": ["I can't log in to my account", "my account was suspended for no reason", "password reset does not work", "someone hacked my account"],
      "ja": ["アカウントにログインできない", "理由もなくアカウントが凍結された", "パスワードを再設定できない"],
      "ko": ["계정에 로그인이 안 돼요", "아무 이유 없이 계정이 정지됐어요", "비밀번호 재설정이 안 돼요"]
    }
  },
  "support": {
    "description": "customer service: unreachable, slow, rude or unhelpful staff, no reply",
    "keywords": {
      "en": ["customer service", "customer support", "support", "no response", "no reply", "on hold", "rude", "unhelpful", "agent", "representative", "staff", "manager", "ignored", "nobody answers", "call center", "dm"],
      "ja": ["サポート", "問い合わせ", "対応", "返事", "返信", "電話", "窓口", "担当", "店員", "態度", "たらい回し", "カスタマー"],
      "ko": ["고객센터", "상담", "응대", "답변", "문의", "직원", "불친절", "연락", "전화"]
    },
    "examples": {
      "en": ["customer service never replies", "the staff were rude to me", "I have been on hold for an hour", "nobody answers my emails"],
      "ja": ["問い合わせても返事がない", "店員の態度が悪かった", "サポートに電話がつながらない"],
      "ko": ["고객센터가 연락이 안 돼요", "직원이 너무 불친절했어요", "문의해도 답변이 없어요"]
    }
  },
  "price": {
    "description": "prices, price rises, value for money, shipping costs, discounts and coupons",
    "keywords": {
      "en": ["price", "pricing", "expensive", "overpriced", "price increase", "too much money", "cost", "value for money", "discount", "coupon", "promo"],
      "ja": ["値段", "価格", "値上げ", "高すぎ", "高い", "送料", "割高", "クーポン", "ポイント", "コスパ"],
      "ko": ["가격", "비싸", "값", "인상", "배송비", "할인", "쿠폰", "가성비"]
    },
    "examples": {
      "en": ["it is far too expensive", "they raised the price again", "not worth the money", "shipping costs more than the item"],
      "ja": ["値段が高すぎる", "また値上げされた", "この価格なら買わない"],
      "ko": ["가격이 너무 비싸요", "또 가격을 올렸어요", "돈이 아까워요"]
    }
  },
  "app_bug": {
    "description": "apps and websites that crash, freeze, error out or lose data after updates",
    "keywords": {
      "en": ["app", "crash", "crashes", "crashing", "bug", "glitch", "error", "freezes", "frozen", "update", "website", "site is down", "not loading", "won't load", "outage", "notification"],
      "ja": ["アプリ", "落ちる", "落ち", "バグ", "エラー", "不具合", "アップデート", "固ま", "通知", "サイト", "メンテ", "ログインできない"],
      "ko": ["앱", "어플", "오류", "버그", "튕", "업데이트", "먹통", "렉", "접속", "사이트", "알림"]
    },
    "examples": {
      "en": ["the app keeps crashing", "the website won't load", "since the update nothing works", "I get an error every time I open it"],
      "ja": ["アプリがすぐ落ちる", "アップデートしてから動かない", "サイトがエラーで開けない"],
      "ko": ["앱이 자꾸 꺼져요", "업데이트 후에 오류가 나요", "사이트 접속이 안 돼요"]
    }
  },
  "other": {
    "description": "complaints that fit none of the other topics",
    "keywords": {}
  }
}
'''
