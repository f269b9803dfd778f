"""Run configuration and the story vocabulary shared by all stages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Story codes index this tuple; shares are the intended mix of accounts.
STORIES: tuple[str, ...] = (
    "steady", "expanding", "decaying", "champion_loss", "stalled_onboarding", "noisy_fine",
)
STORY_SHARES: tuple[float, ...] = (0.35, 0.12, 0.15, 0.10, 0.10, 0.18)
STEADY, EXPANDING, DECAYING, CHAMPION_LOSS, STALLED, NOISY = range(len(STORIES))
HEALTHY_STORIES = (STEADY, EXPANDING, NOISY)

PLANS = ("starter", "growth", "enterprise")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
REGION_SHARES = (0.45, 0.30, 0.17, 0.08)
ROLES = ("admin", "member", "viewer")

# A day index far outside any history: "never" for start/end style day fields.
NEVER = 10_000_000

# Planted dirty rows: share of the target events per segment.tracks kind (at least
# MIN_PLANTED each), and of NPS responses for out-of-range scores.
PLANTED_EVENT_SHARE = 0.0015
PLANTED_NPS_SHARE = 0.01
MIN_PLANTED = 5

# Loading: users are processed in chunks of at most this many user-days / events.
CHUNK_USER_DAYS = 4_000_000
CHUNK_EVENTS = 3_000_000


@dataclass(frozen=True)
class GeneratorConfig:
    db_path: Path
    seeds_dir: Path
    seed: int
    accounts: int
    days: int
    end_date: date
    events: int
