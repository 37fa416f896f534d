"""Answer facts in an assistant's message: the answer term of a question turn.

Rule: a fact is found when the message states its value in any of the usual
spellings, compared after normalising both sides; nothing is guessed from
meaning. Normalisation:

- case-insensitive; `_`, and `-` between letters, read as spaces (`on_time`
  matches "on time", "on-time");
- numbers (int, float, money): any number in the text equal to the value
  within half a cent, written with or without thousands separators, decimals
  or a currency sign (1096.0 matches "1096", "1,096.00", "$1,096"); whole
  numbers up to twenty also as words ("three");
- dates `YYYY-MM-DD`: ISO, or the month's name (full or three letters) with
  the day, in either order, the year optional ("March 6", "6 Mar 2026");
- date-times `YYYY-MM-DDTHH:MM[:SS]`: the date as above and the time as
  `HH:MM` (leading zero optional) or 12-hour ("9:00 am", "9am");
- other strings: the whole value as words (word boundaries), after the
  normalisation above;
- booleans: "yes"/"true" or "no"/"false" as a word.

`answer_share(facts, text)` is the share of facts found (1.0 when there are
no facts to find).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?$")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])|(?<![\w.])-?\d+(?:\.\d+)?(?=[a-z%])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """Lower case, `_` (and `-` between letters) as spaces, thousands separators and currency signs dropped."""
    text = text.lower().replace("_", " ")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    text = _THOUSANDS.sub("", text)
    text = re.sub(r"[$€£¥]", " ", text)
    return re.sub(r"\s+", " ", text)


def _numbers(text: str) -> list[float]:
    return [float(m) for m in _NUMBER.findall(text)]


def _has_word(text: str, word: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None


def _date_found(text: str, year: str, month: str, day: str) -> bool:
    if f"{year}-{month}-{day}" in text:
        return True
    name = MONTHS[int(month) - 1]
    day_n = str(int(day))
    names = f"(?:{name}|{name[:3]}\\.?)"
    ordinal = f"{day_n}(?:st|nd|rd|th)?"
    year_part = f"(?:,? {year})?"
    patterns = (
        rf"(?<!\w){names} {ordinal}(?!\d){year_part}",
        rf"(?<![\w]){ordinal} (?:of )?{names}(?!\w)",
    )
    return any(re.search(p, text) for p in patterns)


def _time_found(text: str, hour: str, minute: str) -> bool:
    h = int(hour)
    if re.search(rf"(?<!\d)0?{h}:{minute}(?!\d)", text):
        return True
    twelve = h % 12 or 12
    suffix = "pm" if h >= 12 else "am"
    minutes = f"(?::{minute})?" if minute == "00" else f":{minute}"
    return re.search(rf"(?<!\d){twelve}{minutes} ?{suffix[0]}\.?{suffix[1]}\.?", text) is not None


def fact_found(value: Any, text: str) -> bool:
    """Whether `text` (already `normalise`d) states `value`."""
    if isinstance(value, bool):
        words = ("yes", "true") if value else ("no", "false")
        return any(_has_word(text, w) for w in words)
    if isinstance(value, (int, float)):
        if any(abs(n - float(value)) < 0.005 for n in _numbers(text)):
            return True
        return float(value).is_integer() and 0 <= value <= 20 and _has_word(text, NUMBER_WORDS[int(value)])
    if value is None:
        return False
    shown = str(value)
    match = _DATETIME.match(shown)
    if match:
        year, month, day, hour, minute = match.groups()
        return _date_found(text, year, month, day) and _time_found(text, hour, minute)
    match = _DATE.match(shown)
    if match:
        return _date_found(text, *match.groups())
    wanted = normalise(shown).strip()
    return bool(wanted) and _has_word(text, wanted)


def answer_share(facts: Iterable[Any], text: str | None) -> float:
    """The share of `facts` stated in `text`; no text finds nothing, no facts is 1.0."""
    facts = list(facts)
    if not facts:
        return 1.0
    if not text:
        return 0.0
    normalised = normalise(text)
    return sum(1 for fact in facts if fact_found(fact, normalised)) / len(facts)
