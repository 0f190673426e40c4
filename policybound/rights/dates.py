"""Dates as a person reads them: ``2026. 3. 3.`` in Korean (the way Korean writes a date, KS X ISO
8601's dotted form used in official documents), ``March 3, 2026`` in English.

The published policy prints its own dates in its ``document.date_format`` (a company's house style);
a person's deadline is written the way the language writes dates, whatever the house style."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class Dates:
    lang: str

    def date(self, day: dt.date) -> str:
        if self.lang == "en":
            return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        return f"{day.year}. {day.month}. {day.day}."
