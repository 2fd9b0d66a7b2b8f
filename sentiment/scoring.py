"""Pure functions: model probabilities + text -> Score, and the short reason behind a label."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from models.complaint import COMPLAINT_THRESHOLD
from models.mention_text import SENTENCE_END
from models.questions import is_question
from sentiment.cues import cue_phrases, function_words

LABELS = ("negative", "neutral", "positive")
MAX_REASON_PHRASES = 3
MAX_BRIDGE = 2  # function words a phrase may span between two chosen words
# Who is addressed and where a link points are never why a text is negative or positive, whatever weight the
# encoder gave them (on the complaint set 224 of 349 reasons named a handle or a URL before they were left out).
ADDRESSING = re.compile(r"^(?:[@＠]\w|https?:|www\.)")
_PUNCT = " \t\n.,!?;:()[]{}\"'`~-_/\\|。、！？「」『』（）・…,.　"


@dataclass(frozen=True)
class Score:
    label: str
    confidence: float
    language: str
    complaint: float
    topics: list[str]
    reason: str
    model_name: str
    model_version: str
    question: bool = False  # the text asks something (models.questions: the rule drafting's intents use)


@dataclass(frozen=True)
class WordWeights:
    """Words of one text (in order) and each word's additive share of every label's logit margin."""

    words: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Prediction:
    probs: tuple[float, float, float]  # in LABELS order, calibrated
    complaint: float
    words: WordWeights | None = None
    similar_topics: tuple[str, ...] = ()  # topics the text's embedding is closest to (models that embed)


def label_of(probs: tuple[float, float, float]) -> int:
    return max(range(len(LABELS)), key=lambda i: probs[i])


def is_complaint_like(label: str, complaint: float) -> bool:
    return complaint >= COMPLAINT_THRESHOLD or label == "negative"


def empty_score(language: str, model_name: str, model_version: str) -> Score:
    return Score("neutral", round(1 / 3, 4), language, 0.0, [], "empty or non-textual input", model_name, model_version)


def make_score(text: str, language: str, prediction: Prediction, topics: list[str],
               model_name: str, model_version: str) -> Score:
    index = label_of(prediction.probs)
    label = LABELS[index]
    reason = explain(text, language, index, prediction, topics)
    return Score(label, round(float(prediction.probs[index]), 4), language, round(float(prediction.complaint), 4),
                 topics, reason, model_name, model_version, question=is_question(text, language))


def explain(text: str, language: str, index: int, prediction: Prediction, topics: list[str]) -> str:
    label = LABELS[index]
    phrases = driving_phrases(prediction.words, index) if prediction.words and label != "neutral" else []
    if not phrases and label != "neutral":
        phrases = found_cues(text, language, label)
    head = f"{label}: " + ", ".join(f'"{p}"' for p in phrases) if phrases else _no_phrase(label)
    if prediction.complaint >= COMPLAINT_THRESHOLD:
        head += "; complaint" + (f" about {', '.join(topics)}" if topics else "")
    return head


def _no_phrase(label: str) -> str:
    return "neutral: no strong opinion phrases" if label == "neutral" else f"{label}: overall tone (no single phrase)"


def driving_phrases(words: WordWeights, index: int, limit: int = MAX_REASON_PHRASES) -> list[str]:
    """The content words that pushed hardest towards the label, in text order; two chosen words with only function
    words between them, in one sentence, form one phrase ("box was crushed")."""
    plain = [_plain(w) for w in words.words]
    skip = function_words()
    candidates = [(w[index], i) for i, w in enumerate(words.weights) if plain[i] and plain[i] not in skip
                  and not ADDRESSING.match(plain[i]) and w[index] > 0]
    chosen = sorted(i for _, i in sorted(candidates, reverse=True)[:limit])
    phrases: list[list[int]] = []
    for i in chosen:
        if phrases and _bridged(words.words, plain, skip, phrases[-1][-1], i):
            phrases[-1].extend(range(phrases[-1][-1] + 1, i + 1))
        else:
            phrases.append([i])
    return [_join([words.words[i] for i in run]).strip(_PUNCT) for run in phrases]


def _plain(word: str) -> str:
    """The word without surrounding punctuation, casefolded; "" for punctuation alone in any script ("，", "。")."""
    stripped = word.strip(_PUNCT)
    if all(unicodedata.category(char)[0] in "PZ" for char in stripped):
        return ""
    return stripped.casefold()


def _bridged(words: tuple[str, ...], plain: list[str], skip: frozenset[str], left: int, right: int) -> bool:
    between = range(left + 1, right)
    return (len(between) <= MAX_BRIDGE and all(plain[j] in skip for j in between)
            and not any(words[j].rstrip().endswith(SENTENCE_END) for j in range(left, right)))


def _join(parts: list[str]) -> str:
    out = parts[0]
    for part in parts[1:]:
        out += part if _spaceless(out[-1:]) or _spaceless(part[:1]) else " " + part
    return out


def _spaceless(char: str) -> bool:
    return bool(char) and (0x3040 <= ord(char) <= 0x30FF or 0x3400 <= ord(char) <= 0x9FFF)


def found_cues(text: str, language: str, label: str, limit: int = MAX_REASON_PHRASES) -> list[str]:
    lowered = text.casefold()
    return [cue for cue in cue_phrases(language, label) if cue.casefold() in lowered][:limit]
