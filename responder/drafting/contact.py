"""`{contact}`: where a reply sends the customer to continue in private, for the mention's network and language.

Stores and review sites have no direct messages (App Store, Google Play, Google Business Profile, Trustpilot;
Hacker News and feeds neither): there it is the support page when SUPPORT_URL is set, else the in-app contact
form (apps) or the website's contact form (review sites). On social networks it is the workspace's own channel
for the language when one is set (CONTACT_CHANNEL_JA "LINE公式アカウント", CONTACT_CHANNEL_KO "카카오톡 채널"),
else a DM.

The phrase is a noun phrase, so templates write "{contact}にてご連絡ください", "{contact}로 보내 주시면" (the
particle is made to agree), "via {contact}".
"""

from __future__ import annotations

from collections.abc import Mapping

from listener.platforms import STORE_NETWORKS

APP_STORES = frozenset({"appstore", "googleplay"})
NO_DM_NETWORKS = STORE_NETWORKS | APP_STORES | {"hackernews", "rss"}  # HN and feeds have no private messages
DM = {"ja": "DM", "ko": "DM", "en": "DM"}
SUPPORT_PAGE = {"ja": "お問い合わせフォーム（{url}）", "ko": "고객센터 문의 페이지({url})",
                "en": "our support page ({url})"}
IN_APP = {"ja": "アプリ内のお問い合わせフォーム", "ko": "앱 내 1:1 문의", "en": "the in-app contact form"}
WEBSITE = {"ja": "公式サイトのお問い合わせフォーム", "ko": "홈페이지 1:1 문의", "en": "the contact form on our website"}


def has_direct_messages(network: str) -> bool:
    return network not in NO_DM_NETWORKS


def contact_phrase(network: str, language: str, *, channels: Mapping[str, str], support_url: str) -> str:
    """The private channel a reply on `network` in `language` (en, ja, ko) points to."""
    language = language if language in DM else "en"
    if has_direct_messages(network):
        return channels.get(language, "").strip() or DM[language]
    if support_url.strip():
        return SUPPORT_PAGE[language].format(url=support_url.strip())
    return (IN_APP if network in APP_STORES else WEBSITE)[language]
