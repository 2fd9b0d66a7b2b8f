"""The terms of one mention for the alert's "what are people saying" evidence: unigrams and adjacent bigrams of
content words, in English, Japanese and Korean.

Japanese and Korean do not separate words with spaces, so a whitespace split (or character n-grams) would give
"配送が" or "배송이" (noun plus particle) as words and split a burst's vocabulary across every particle it meets.
They are tokenised with real morphological analysers: fugashi (MeCab) with the UniDic-lite dictionary for
Japanese, kiwipiepy for Korean; only content words are kept (nouns, verbs and adjectives in their dictionary form,
foreign words), so 配送が遅延しています gives 配送, 遅延 and the bigram 配送遅延. Where an analyser is not
installed, CJK runs fall back to character bigrams (配送, 送が, が遅, ...): cruder, but the burst's words are
still among them. Handles, URLs, e-mail addresses, numbers and stopwords are dropped everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import Any

from models.cjk_search import CJK_CLASS

MAX_TEXT = 2000  # a mention's first 2,000 characters say what it is about; longer ones only cost analyser time
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|[@＠][\w.]+|#(?=\w)")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
BREAKS = re.compile(r"[.,;:!?()\[\]{}\"“”…/|]+|\s[-–—]+\s")
LATIN_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")

ENGLISH_STOPWORDS = frozenset(re.findall(r"\S+", """
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each even
ever every few for from further get gets got had hadn't has hasn't have haven't having he her here hers herself him
himself his how i i'd i'll i'm i've if im in into is isn't it it's its itself just let's like me more most much
mustn't my myself no nor not now of off on once one only or other ought our ours ourselves out over own please
really same shan't she should shouldn't so some still such than that that's the their theirs them themselves then
there there's these they they'd they'll they're they've this those through to too under until up us very via was
wasn't we we'd we'll we're we've were weren't what what's when where which while who whom why will with won't
would wouldn't yet you you'd you'll you're you've your yours yourself yourselves rt amp dont cant wont ive
"""))
JAPANESE_STOPWORDS = frozenset(re.findall(r"\S+", "する ある いる なる れる られる せる こと もの よう ため さん 様 "
                                          "これ それ あれ ここ そこ 私 僕 俺 今 方 感じ 思う 言う 行く 来る くる いう"))
KOREAN_STOPWORDS = frozenset(re.findall(r"\S+", "것 수 등 때 중 좀 거 게 하다 되다 있다 이다 같다 "
                                        "저 제 나 우리 이것 그것"))
JAPANESE_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
JAPANESE_DICTIONARY_FORM = frozenset({"動詞", "形容詞"})
KOREAN_CONTENT = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
KOREAN_PREDICATES = frozenset({"VV", "VA"})


def terms(text: str, language: str | None = None) -> set[str]:
    """The distinct unigrams and bigrams of one mention (a set: a mention votes for a term once). A bigram joins
    neighbouring content words only: punctuation, and in English a stopword, break the phrase."""
    words = content_words(text, language)
    found = {word for word in words if word}
    joiner = "" if _language(text, language) == "ja" else " "
    found.update(joiner.join((first, second)) for first, second in pairwise(words) if first and second)
    return found


def content_words(text: str, language: str | None = None) -> list[str | None]:
    """The content words in order, with None where a phrase breaks."""
    text = NOISE.sub(" , ", text[:MAX_TEXT])
    lang = _language(text, language)
    if lang == "ja" and (tagger := _japanese()) is not None:
        return _japanese_words(tagger, text)
    if lang == "ko" and (kiwi := _korean()) is not None:
        return _korean_words(kiwi, text)
    return [*_latin_words(text), None, *_cjk_bigrams(text)]


def analysers() -> dict[str, str]:
    """Which analyser each language uses here, for the notes on the page and in tests."""
    return {"en": "regex words", "ja": "fugashi + unidic-lite" if _japanese() else "character bigrams",
            "ko": "kiwipiepy" if _korean() else "character bigrams"}


def _language(text: str, language: str | None) -> str:
    """The scorer's language when it has one; else the script decides (kana is Japanese, hangul Korean)."""
    short = (language or "").split("-")[0].lower()
    if short in ("ja", "ko"):
        return short
    if KANA.search(text):
        return "ja"
    if HANGUL.search(text):
        return "ko"
    return short or "en"


def _latin_words(text: str) -> list[str | None]:
    words: list[str | None] = []
    for chunk in BREAKS.split(CJK_RUN.sub(" , ", text)):
        for raw in LATIN_WORD.findall(chunk):
            word = raw.lower().replace("’", "'").strip("'-")
            words.append(word if len(word) > 1 and word not in ENGLISH_STOPWORDS else None)
        words.append(None)
    return words


def _cjk_bigrams(text: str) -> list[str | None]:
    """Without an analyser: every pair of CJK characters, none of them joined into phrases."""
    pairs: list[str | None] = []
    for run in CJK_RUN.findall(text):
        for i in range(max(len(run) - 1, 1)):
            pairs += [run[i: i + 2], None]
    return pairs


@lru_cache(maxsize=1)
def _japanese() -> Any:
    try:
        import fugashi
    except ImportError:  # optional: the character bigrams stand in
        return None
    try:
        return fugashi.Tagger()
    except RuntimeError:  # no dictionary installed (unidic-lite missing)
        return None


@lru_cache(maxsize=1)
def _korean() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        return None
    # The "cong" model without the typo and multi-word dictionaries: about 1.8 ms a mention instead of 3.2, with
    # the same nouns and stems on complaint text (typo correction would rewrite customers' words anyway).
    return Kiwi(model_type="cong", load_typo_dict=False, load_multi_dict=False)


def _japanese_words(tagger: Any, text: str) -> list[str | None]:
    words: list[str | None] = []
    for word in tagger(text):
        feature = word.feature
        if feature.pos1 in ("補助記号", "記号", "空白"):
            words.append(None)
        if feature.pos1 not in JAPANESE_CONTENT or feature.pos2 in ("非自立可能", "数詞"):
            continue  # particles and auxiliaries do not break a phrase: 配送が遅延 is 配送遅延
        form = (getattr(feature, "orthBase", None) or word.surface) if feature.pos1 in JAPANESE_DICTIONARY_FORM \
            else word.surface
        form = str(form).lower()
        keep = form not in JAPANESE_STOPWORDS and form not in ENGLISH_STOPWORDS and not form.isdigit()
        words.append(form if keep and (len(form) > 1 or CJK_RUN.fullmatch(form)) else None)
    return words


def _korean_words(kiwi: Any, text: str) -> list[str | None]:
    words: list[str | None] = []
    for token in kiwi.tokenize(text):
        tag = str(token.tag).split("-")[0]  # kiwipiepy marks irregular stems "VV-I"
        if tag in KOREAN_CONTENT:
            form = str(token.form).lower()
        elif tag in KOREAN_PREDICATES:
            form = str(token.form) + "다"  # the dictionary form people read: 늦 -> 늦다
        else:
            if tag.startswith(("S", "W_")) and tag not in ("SL", "SH", "SN"):
                words.append(None)  # punctuation, a handle or a URL ends the phrase
            continue
        keep = form not in KOREAN_STOPWORDS and form not in ENGLISH_STOPWORDS and len(form) > 1
        words.append(form if keep else None)
    return words
