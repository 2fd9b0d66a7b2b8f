"""Korean particles after a filled-in value: "{brand}를" becomes "Lumo Home을" because 홈 ends in a consonant.

A Korean particle has one form after a final consonant (batchim) and one after a vowel: 을/를, 이/가, 은/는,
과/와, 으로/로 (로 also after ㄹ), 이에요/예요, 이나/나, 이랑/랑, 이라고/라고, 이라는/라는. The form is decided by
how the value ends when read aloud:
- a Hangul syllable: its batchim;
- digits: their Sino-Korean reading (3 삼, 7 칠, 10 십, 100 백, 1000 천);
- a short capitalised acronym read letter by letter (LG 엘지, DM 디엠): L and R end in ㄹ, M in ㅁ, N in ㄴ,
  the other letters in a vowel;
- a Latin word, from its spelling, only where loanword spelling is regular: -m/-me ㅁ (Home 홈), -n/-ne ㄴ,
  -ng ㅇ, -l/-le ㄹ, and a vowel for -a/-i/-o/-u/-y/-w/-r/-re/-s/-x/-z/-d/-f/-v/-ch/-sh/-th/-e after another
  consonant (Lumo 루모, Care 케어, Box 박스, Pad 패드, Cube 큐브) and for a consonant cluster before a final
  stop (Desk 데스크, Smart 스마트). A single vowel then t/p/k/b/g/c/ck is unknown (Cat 캣 but Kit 키트).
A parenthesised tail is skipped ("고객센터(https://...)로" agrees with 고객센터). When the reading is unknown the
particle is written with both forms, "을(를)", which lint blocks until someone picks one or the workspace sets
the value's Korean reading (BRAND_READING_KO, PRODUCT_READING_KO).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (after a consonant, after a vowel); longer forms first so 이에요 is not read as 이 + 에요.
PAIRS = (("이에요", "예요"), ("이라고", "라고"), ("이라는", "라는"), ("이랑", "랑"), ("이나", "나"), ("으로", "로"),
         ("을", "를"), ("이", "가"), ("은", "는"), ("과", "와"))
# What may follow a particle inside the same word: 으로부터, 와의, 과도, 로는 ...
COMPOUND_TAILS = {"으로": ("부터", "서", "써", "는", "도", "의", "만"), "과": ("의", "는", "도", "만")}
UNDECIDED = {pair: f"{pair[0]}({pair[1]})" if pair[0] != "으로" else "(으)로" for pair in PAIRS}
RIEUL = 8  # the index of ㄹ among final consonants
SYLLABLE_START, SYLLABLE_END = 0xAC00, 0xD7A3
DIGIT_READING = {"0": 21, "1": RIEUL, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": RIEUL, "8": RIEUL, "9": 0}
POWER_READING = {1: 17, 2: 1, 3: 4, 4: 4}  # 십 ㅂ, 백 ㄱ, 천 ㄴ, 만 ㄴ (and above: ...만, 억)
LETTER_READING = {"l": RIEUL, "r": RIEUL, "m": 16, "n": 4}  # 엘, 알, 엠, 엔; every other letter ends in a vowel
VOWEL, NIEUN, MIEUM, IEUNG = 0, 4, 16, 21
PARENTHESISED_TAIL = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
LATIN_WORD = re.compile(r"[A-Za-z]+$")
DIGITS = re.compile(r"[0-9]+$")


@dataclass(frozen=True)
class Sound:
    """How a value ends when read: `final` is the batchim index (0: a vowel), None when unknown."""

    final: int | None

    @property
    def known(self) -> bool:
        return self.final is not None


def final_sound(value: str, reading: str = "") -> Sound:
    """The last sound of `value`, or of its Korean `reading` when one is given."""
    text = PARENTHESISED_TAIL.sub("", (reading or value).strip())
    text = text.rstrip(" .,!?'\"’”」』】)]™®")
    if not text:
        return Sound(None)
    last = text[-1]
    if SYLLABLE_START <= ord(last) <= SYLLABLE_END:
        return Sound((ord(last) - SYLLABLE_START) % 28)
    if last in "+%":
        return Sound(VOWEL)  # 플러스, 퍼센트
    if digits := DIGITS.search(text):
        return Sound(_number_final(digits.group(0)))
    if word := LATIN_WORD.search(text):
        return Sound(_latin_final(word.group(0)))
    return Sound(None)


def _number_final(digits: str) -> int:
    stripped = digits.rstrip("0")
    if not stripped:
        return IEUNG  # 영
    zeros = len(digits) - len(stripped)
    if zeros == 0:
        return DIGIT_READING[stripped[-1]]
    return POWER_READING.get(zeros, NIEUN if zeros < 8 else 1)


def _latin_final(word: str) -> int | None:
    if word.isupper() and len(word) <= 3:  # an acronym read letter by letter: LG 엘지, DM 디엠
        return LETTER_READING.get(word[-1].lower(), VOWEL)
    lower = word.lower()
    if lower.endswith(("ng",)):
        return IEUNG
    if lower.endswith(("m", "me")):
        return MIEUM
    if lower.endswith(("n", "ne")):
        return NIEUN
    if lower.endswith(("l", "le")):
        return RIEUL
    if lower[-1] in "aiouywrsxzdfvh" or lower.endswith("e"):
        return VOWEL
    before = lower[:-2] if lower.endswith("ck") or lower[-2:-1] == lower[-1] else lower[:-1]  # App 앱: one p
    if before and before[-1] not in "aeiou":
        return VOWEL  # a cluster before the stop takes 으: Desk 데스크, Smart 스마트, Lamp 램프
    return None


def form_for(pair: tuple[str, str], sound: Sound) -> str:
    """The particle of `pair` that agrees with `sound`; both forms when the sound is unknown."""
    if sound.final is None:
        return UNDECIDED[pair]
    if pair[0] == "으로":
        return "로" if sound.final in (VOWEL, RIEUL) else "으로"
    return pair[1] if sound.final == VOWEL else pair[0]


def leading_particle(text: str) -> tuple[tuple[str, str], str] | None:
    """The particle pair and the form written at the start of `text`, when the text starts with a particle
    (followed by a word boundary or a compound tail): "를 보내" -> (("을", "를"), "를"); "이벤트" -> None."""
    for pair in PAIRS:
        for form in pair:
            if text.startswith(form) and _ends_particle(text[len(form):], pair):
                return pair, form
    return None


def _ends_particle(rest: str, pair: tuple[str, str]) -> bool:
    if not rest or not _is_hangul(rest[0]):
        return True
    return any(rest.startswith(tail) for tail in COMPOUND_TAILS.get(pair[0], ()))


def _is_hangul(char: str) -> bool:
    return SYLLABLE_START <= ord(char) <= SYLLABLE_END


def agree(value: str, following: str, reading: str = "") -> str:
    """`following` (the template text right after a filled value) with its leading particle in the form that
    agrees with the value; unchanged when it does not start with one."""
    found = leading_particle(following)
    if found is None:
        return following
    pair, form = found
    return form_for(pair, final_sound(value, reading)) + following[len(form):]


# --- lint: particles a draft still gets wrong ---

UNDECIDED_FORMS = tuple(UNDECIDED.values()) + tuple(f"{vowel}({consonant})" for consonant, vowel in PAIRS)
LATIN_THEN_HANGUL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+%\-]*(?=[\uac00-\ud7a3])")


def particle_errors(text: str) -> list[str]:
    """Particles a Korean text gets wrong: both forms left in ("Lumo Desk을(를)"), or a form that disagrees with
    a Latin or digit word it follows whose reading is known ("Lumo Home를": 홈 takes 을). Particles after
    Hangul, and after words whose reading the spelling does not tell, are left to the writer."""
    found = [form for form in dict.fromkeys(UNDECIDED_FORMS) if form in text]
    for match in LATIN_THEN_HANGUL.finditer(text):
        following = text[match.end():]
        particle = leading_particle(following)
        if particle is None or following.startswith(UNDECIDED_FORMS):
            continue
        pair, form = particle
        sound = final_sound(match.group(0))
        if sound.known and form_for(pair, sound) != form:
            found.append(match.group(0) + form)
    return list(dict.fromkeys(found))
