"""A country's public holidays as closed days of the workspace calendar (HOLIDAY_COUNTRY, YEAR_END_CLOSURE).

The one home of the rule, read by models.business_hours.BusinessCalendar and so by reports' SLA figures, the SLA
alert rule and saved replies' {next_business_day} / {reply_window}. The `holidays` package computes the dates
(Japan's national holidays and 振替休日; Korea's 설날 and 추석 three-day spans and 대체 휴일); Japan's year-end
closure 年末年始 (29 December to 3 January) is added unless turned off. Imported lazily: a workspace without
HOLIDAY_COUNTRY never loads the package."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

YEAR_END = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))  # 年末年始 in Japanese companies


class UnknownHolidayCountry(ValueError):
    pass


def parse_country(text: str) -> str:
    """"jp", " KR " as the upper-case code the `holidays` package knows; "" for none."""
    country = text.strip().upper()
    if country and country not in _supported_countries():
        raise UnknownHolidayCountry(f"unknown holiday country {text!r}; expected an ISO code the holidays "
                                    "package knows, such as JP, KR or US")
    return country


def is_public_closure(day: date, country: str, *, year_end_closure: bool = True) -> bool:
    """Whether `day` is closed for the country (an upper-case code from parse_country; "" for none)."""
    if not country:
        return False
    if country == "JP" and year_end_closure and (day.month, day.day) in YEAR_END:
        return True
    return day in country_holidays(country, day.year)


# Per (country, year): a report spanning two years asks for every day of it, and computing a year is ~ms.
@lru_cache(maxsize=64)
def country_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of one country in one year (the package computes lunar ones such as 설 and 추석)."""
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


@lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries())
