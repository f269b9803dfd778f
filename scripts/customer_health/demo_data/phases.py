"""When an account is under strain: the part of its story where things go wrong."""
from __future__ import annotations

import numpy as np

from .accounts import Accounts
from .config import CHAMPION_LOSS, DECAYING, STALLED


def strained(a: Accounts, acct: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Declining, champion gone, or a stalled onboarding (more tickets, worse NPS, late pay)."""
    story = a.story[acct]
    return (
        ((story == DECAYING) & (day >= a.decline_start[acct]))
        | ((story == CHAMPION_LOSS) & (day >= a.silence_day[acct]))
        | (story == STALLED)
    )
