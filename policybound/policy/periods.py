"""Retention periods as ISO 8601 durations (``P12M``, ``P10Y``, ``P6M``, ``P30D``, ``P0D``).

Laws and policies count in years, months and days, and "12 months after 31 January" must land on the
last day of February, not on a fixed number of days, so periods are kept as calendar units and added
with calendar arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# How one unit of a duration prints unless the policy says otherwise: ``12 개월``, ``12 months``.
DURATION_PATTERN = "{n} {unit}"
_PATTERN = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?$")


@dataclass(frozen=True, order=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text.strip()) if text.strip() != "P" else None
        if match is None:
            raise ValueError(
                f"{text!r} is not a duration such as P12M (12 months), P10Y (10 years) or P30D (30 days)"
            )
        return cls(**{unit: int(value or 0) for unit, value in match.groupdict().items()})

    def iso(self) -> str:
        parts = [f"{n}{unit}" for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")

    def after(self, moment: dt.datetime) -> dt.datetime:
        """The moment this period after ``moment``: calendar months, clamped to the month's last day."""
        month_index = moment.month - 1 + self.months + 12 * self.years
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day) + dt.timedelta(days=self.days)

    def label(self, lang: str, *, pattern: str = DURATION_PATTERN) -> str:
        """Human wording (``12 개월``, ``10 년``; ``12 months``), each unit written by ``pattern``.

        ``pattern`` has ``{n}`` (the number) and ``{unit}`` (its word): a policy that writes
        ``6개월`` sets ``{n}{unit}`` in ``document.durations`` (:meth:`Context.duration`).
        """
        if lang == "ko":
            units = ((self.years, "년"), (self.months, "개월"), (self.days, "일"))
            words = [pattern.format(n=n, unit=unit) for n, unit in units if n]
            return " ".join(words) or "즉시"
        names = (("year", self.years), ("month", self.months), ("day", self.days))
        words = [pattern.format(n=n, unit=f"{unit}{'s' if n != 1 else ''}") for unit, n in names if n]
        return " ".join(words) or "immediately"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> Period:
            if isinstance(value, Period):
                return value
            if not isinstance(value, str):
                raise ValueError("a duration is written as text such as P12M")
            return cls.parse(value)

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda p: p.iso())
        )
