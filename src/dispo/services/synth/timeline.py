"""The synthetic world's calendar: three years up to `today`, as day numbers for vectorised arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

EPOCH = date(1970, 1, 1)
YEAR_DAYS = 365.25
ADULT_DAYS = 6575
"""Days from birth to the 18th birthday (within a day; enough for synthetic data)."""
ADVANCE_DAYS = 30
"""Grants may be decided up to this many days before they start."""
EXPECTED_DAYS = 120
"""Expected grants start within this many days after today."""

SEASON = np.array([1.15, 1.05, 1.05, 1.0, 1.0, 0.95, 0.7, 1.1, 1.05, 1.0, 1.0, 0.85])
"""Relative inflow of new grants per calendar month (fewer in July and December)."""


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the representation of polars' Date)."""
    return (d - EPOCH).days


def month_index(d: date) -> int:
    """Months since year 0: year × 12 + month − 1."""
    return d.year * 12 + d.month - 1


@dataclass(frozen=True)
class Timeline:
    """The period a world covers: 1 January two years before `today` through `today`."""

    today: date

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def first(self) -> date:
        return date(self.year - 2, 1, 1)

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def years(self) -> tuple[int, ...]:
        return (self.year - 2, self.year - 1, self.year)

    @property
    def horizon(self) -> date:
        """Last start date of grants decided in advance."""
        return self.today + timedelta(days=ADVANCE_DAYS)

    def inflow_days(self, u: npt.NDArray[np.float64], last: date) -> npt.NDArray[np.int64]:
        """Start days between the first day and `last` for uniforms `u`, following the seasonal inflow."""
        first = day_number(self.first)
        span = day_number(last) - first + 1
        days = np.arange(first, first + span)
        months = (days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)) % 12
        cumulative = np.cumsum(SEASON[months])
        index = np.searchsorted(cumulative / cumulative[-1], u, side="right").clip(0, span - 1)
        starts: npt.NDArray[np.int64] = days[index].astype(np.int64)
        return starts
