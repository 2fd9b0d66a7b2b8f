"""Japanese and Korean topic keywords: each shipped topic gains the words its training-share complaints used

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 05:25:00

Only a topic whose Japanese (or Korean) keywords are still the ones 0011 seeded changes: an admin's edits win. Frozen
here (sentiment/data/topics.json as of this revision), not read from the application. Chosen on the written topic
set's training share (sentiment/data/topics_train.tsv) and measured on its test-only share, keywords alone, before ->
after: Japanese micro F1 72.7 -> 74.9, Korean 69.2 -> 70.2; with the topic head and prototypes (topics as a Score
carries them) Japanese 81.9 -> 82.0 and Korean 79.2 -> 79.4, and complaints naming a topic yet left at "other" 8.2% ->
7.5% of 584. (On the training share, keywords alone: 71.2 -> 83.8 and 71.2 -> 84.9: the words fit the phrasing they
were read from better than new text.)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

SEEDED = {
    "ja": {
        "delivery": ["配送", "配達", "届か", "届い", "届き", "発送", "荷物", "宅配", "置き配", "不在票", "追跡",
                     "到着", "持ち戻り", "梱包"],
        "quality": ["壊れ", "不良", "品質", "傷", "割れ", "破れ", "汚れ", "冷め", "賞味期限", "違う", "毛玉",
                    "断線", "虫", "潰れ", "臭"],
        "billing": ["請求", "引き落とし", "料金", "支払", "決済", "課金", "領収書", "クレジットカード", "手数料",
                    "サブスク"],
        "account": ["アカウント", "ログイン", "パスワード", "凍結", "認証", "メールアドレス", "乗っ取"],
        "support": ["サポート", "問い合わせ", "対応", "返事", "返信", "電話", "窓口", "担当", "店員", "態度",
                    "たらい回し", "カスタマー"],
        "price": ["値段", "価格", "値上げ", "高すぎ", "高い", "送料", "割高", "クーポン", "ポイント", "コスパ"],
        "app_bug": ["アプリ", "落ちる", "落ち", "バグ", "エラー", "不具合", "アップデート", "固ま", "通知",
                    "サイト", "メンテ", "ログインできない"],
    },
    "ko": {
        "delivery": ["배송", "배달", "택배", "도착", "발송", "송장", "운송장", "기사님", "포장"],
        "quality": ["고장", "불량", "품질", "파손", "깨졌", "찢어", "하자", "냄새", "유통기한", "다른 제품",
                    "짝퉁"],
        "billing": ["결제", "청구", "요금", "카드", "이중", "영수증", "구독", "수수료", "자동이체"],
        "account": ["계정", "로그인", "비밀번호", "정지", "인증", "아이디", "해킹"],
        "support": ["고객센터", "상담", "응대", "답변", "문의", "직원", "불친절", "연락", "전화"],
        "price": ["가격", "비싸", "값", "인상", "배송비", "할인", "쿠폰", "가성비"],
        "app_bug": ["앱", "어플", "오류", "버그", "튕", "업데이트", "먹통", "렉", "접속", "사이트", "알림"],
    },
}
ADDED = {
    "ja": {
        "delivery": ["ロストバゲージ", "速達", "時間指定", "置きっぱなし", "営業所", "受け取り",
                     "スーツケースが出て"],
        "quality": ["生焼け", "カビ", "偽物", "剥がれ", "ぬるい", "ヒビ", "裂け", "ぐらぐら", "音が出な",
                    "電源が入らな", "故障", "べちゃべちゃ", "溶け", "動かな", "吸引力"],
        "billing": ["口座振替", "年会費", "延滞金", "分割払い", "引き落と", "督促", "仮押さえ"],
        "account": ["本人確認", "引き継ぎ", "退会", "登録名", "ロックされ"],
        "support": ["スタッフ", "オペレーター", "フロント", "駅員", "客室乗務員", "責任者", "コールセンター",
                    "言葉遣い", "面倒くさそう", "コンシェルジュ", "怒鳴"],
        "price": ["割引", "学割", "セール", "半額", "安い"],
        "app_bug": ["フリーズ", "アップロード", "読み込", "表示されな", "検索結果"],
    },
    "ko": {
        "delivery": ["수하물", "분실", "라이더", "픽업", "허브"],
        "quality": ["깨져", "녹아", "부러져", "부러졌", "보풀", "벌레", "스크래치", "덜 익", "안 켜져", "떨어졌",
                    "미지근", "금 갔", "물이 새", "흔들려", "시들", "다른 색", "사이즈"],
        "billing": ["미납", "세금계산서", "연회비", "연체료", "보증금", "빠져나"],
        "account": ["비번", "회원 정보", "프로필", "잠겼", "이메일 변경"],
        "support": ["승무원", "점장", "프런트", "역무원", "컨시어지", "귀찮", "화를 냈", "배달원"],
        "price": ["비싼", "바가지", "구독료", "세일", "적립", "두 배", "세 배", "싸다"],
        "app_bug": ["업로드", "검색", "끊겨", "반응 없", "전송이 안"],
    },
}


def upgrade() -> None:
    _replace(lambda language, topic: SEEDED[language][topic],
             lambda language, topic: SEEDED[language][topic] + ADDED[language][topic])


def downgrade() -> None:
    _replace(lambda language, topic: SEEDED[language][topic] + ADDED[language][topic],
             lambda language, topic: SEEDED[language][topic])


_TOPIC = sa.table("topic", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("keywords", sa.JSON))


def _replace(before: Any, after: Any) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_TOPIC.c.id, _TOPIC.c.name, _TOPIC.c.keywords)).all():
        keywords: dict[str, Any] = dict(row.keywords or {})
        changed = False
        for language in ADDED:
            if row.name in ADDED[language] and keywords.get(language) == before(language, row.name):
                keywords[language] = after(language, row.name)  # else edited by an admin: theirs stands
                changed = True
        if changed:
            bind.execute(_TOPIC.update().where(_TOPIC.c.id == row.id).values(keywords=keywords))
