"""Word-level evidence for the language of a short Latin-script text, to combine with lingua's confidence values.

lingua reads character n-grams, which a text of one to a few words has too few of: "bad" comes out Portuguese
and "merci" Italian. Whole words settle most of these, so a short text's language is chosen by naive Bayes:
P(language | text) ∝ prior(language) × lingua's confidence × Π frequency(word, language), with the frequencies
from wordfreq's offline lists. Measured on sentiment/data/short_texts_language*.tsv (see its README section).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

# Latin-script languages among sentiment.language.LANGUAGES, with a rough share of brand mentions in each: a mild
# prior that decides between languages whose words fit equally ("no funciona" reads as Spanish or Portuguese).
PRIOR = {"en": 0.40, "es": 0.12, "pt": 0.09, "fr": 0.06, "id": 0.06, "de": 0.05, "it": 0.04, "tr": 0.04,
         "nl": 0.03, "pl": 0.02, "sv": 0.015, "vi": 0.015}
SHORT_WORDS = 10  # beyond this lingua alone is reliable (measured: word evidence changes nothing on longer texts)
WORDLIST = "small"  # the "best" lists measured no better on the dev file and take ~350 MB more memory
UNSEEN = 1e-8  # frequency of a word a list lacks: below the smallest in the "small" lists (~1e-6)
MIN_CONFIDENCE = 1e-4  # lingua gives 0 to languages whose rare letters the text lacks; they stay possible
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words_of(text: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(text)]


def is_latin(chars: str) -> bool:
    """Basic Latin, Latin-1, Extended-A/B and Latin Extended Additional (Vietnamese)."""
    return all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in chars)


def applies(words: Sequence[str]) -> bool:
    """A short text with at least one word some list knows (a brand name alone is left to lingua)."""
    return 0 < len(words) <= SHORT_WORDS and any(_frequency(w, lang) > 0 for w in words for lang in PRIOR)


def most_likely(words: Sequence[str], confidences: Mapping[str, float]) -> str:
    """The Latin-script language with the highest posterior; confidences are lingua's, by ISO 639-1 code."""
    return max(PRIOR, key=lambda lang: _log_posterior(words, lang, confidences.get(lang, 0.0)))


def _log_posterior(words: Sequence[str], language: str, confidence: float) -> float:
    evidence = sum(math.log(max(_frequency(w, language), UNSEEN)) for w in words)
    return math.log(PRIOR[language]) + math.log(confidence + MIN_CONFIDENCE) + evidence


@lru_cache(maxsize=65536)
def _frequency(word: str, language: str) -> float:
    from wordfreq import word_frequency

    return float(word_frequency(word, language, wordlist=WORDLIST))
