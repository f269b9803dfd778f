"""The history window as day indexes: day 0 is the first day, day `days - 1` the end date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

US_PER_DAY = 86_400 * 1_000_000
US_PER_SECOND = 1_000_000
# Activity multiplier by weekday (Monday first): people work less at weekends.
WEEKDAY_FACTOR = np.array([1.0, 1.05, 1.05, 1.0, 0.9, 0.25, 0.2])
HOLIDAY_FACTOR = 0.4  # 24 December to 1 January


@dataclass(frozen=True)
class Timeline:
    end_date: date
    days: int

    @property
    def start_date(self) -> date:
        return self.end_date - timedelta(days=self.days - 1)

    @property
    def end_day(self) -> int:
        return self.days - 1

    @property
    def epoch_day0(self) -> int:
        """Days from 1970-01-01 to day 0."""
        return (self.start_date - date(1970, 1, 1)).days

    def to_date(self, day: int) -> date:
        return self.start_date + timedelta(days=int(day))

    def day_us(self, day: np.ndarray | int) -> np.ndarray | int:
        """Microseconds since the epoch at 00:00 of a day index."""
        return (np.asarray(day, dtype=np.int64) + self.epoch_day0) * US_PER_DAY

    def activity_factor(self) -> np.ndarray:
        """Per day of history: weekday and holiday seasonality."""
        dates = np.datetime64(self.start_date) + np.arange(self.days)
        weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        factor = WEEKDAY_FACTOR[weekday].copy()
        month_day = dates - dates.astype("datetime64[M]").astype("datetime64[D]")
        month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        day_of_month = month_day.astype(np.int64) + 1
        holiday = ((month == 12) & (day_of_month >= 24)) | ((month == 1) & (day_of_month == 1))
        factor[holiday] *= HOLIDAY_FACTOR
        return factor
