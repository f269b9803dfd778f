"""Read the product configuration (the two seed CSVs) that the generator follows."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Relative frequency (per 1,000 events) of the demo product's events. Events added to the
# catalog later fall back to a guess from their name (see `_guess_frequency`).
KNOWN_FREQUENCY: dict[str, float] = {
    "signed_in": 110, "signed_out": 35, "page_viewed": 170, "settings_viewed": 20,
    "help_center_visited": 10, "notification_opened": 40, "workspace_created": 0.6,
    "search_performed": 50, "template_used": 12, "dashboard_created": 12,
    "dashboard_viewed": 160, "dashboard_shared": 15, "report_created": 15,
    "report_exported": 25, "report_scheduled": 4, "integration_connected": 0.8,
    "integration_synced": 30, "alert_created": 5, "alert_triggered": 30,
    "alert_acknowledged": 15, "comment_added": 30, "user_invited": 3,
    "data_source_connected": 1.5, "query_run": 60, "api_key_created": 0.5,
    "api_request_made": 100,
}
# Events a backend sends without a browser, so they carry no anonymous_id.
SERVER_SIDE_SUFFIXES = ("_synced", "_triggered", "_request_made")
# Viewers do not author things: catalog events weighing at least this many points are
# treated as authoring actions and are not generated for viewers.
AUTHORING_MIN_WEIGHT = 3.0
# Event names planted as `unknown_event`: not in the catalog (one differs only by case).
UNKNOWN_EVENT_NAMES = ("legacy_export_clicked", "Dashboard_Created", "sidebar_collapsed")


class CatalogError(ValueError):
    """The seed files cannot describe a product (missing, duplicated or dangling rows)."""


@dataclass(frozen=True)
class Catalog:
    events: list[str]
    features: list[str]            # distinct non-empty features, in catalog order
    event_feature: np.ndarray      # per event: index into `features`, -1 for none
    weight: np.ndarray             # per event: engagement points
    meaningful: np.ndarray         # per event: bool
    frequency: np.ndarray          # per event: relative frequency, sums to 1
    milestones: list[str]          # milestone names, in file order
    milestone_event: np.ndarray    # per milestone: event index
    noise_codes: np.ndarray        # events with no feature and no milestone
    noise_frequency: np.ndarray    # their relative frequency, sums to 1
    authoring: np.ndarray          # per event: bool, viewers never do it
    server_side: np.ndarray        # per event: bool, no anonymous_id
    core_feature: int              # the most used feature (every account keeps it)

    @property
    def n_events(self) -> int:
        return len(self.events)

    @property
    def all_event_names(self) -> list[str]:
        """Catalog events followed by the planted unknown names (code = list index)."""
        return [*self.events, *UNKNOWN_EVENT_NAMES]


def event_text(event: str) -> str:
    """Display name Segment would send: `report_created` -> `Report Created`."""
    return " ".join(part.capitalize() for part in event.replace("_", " ").split())


def _guess_frequency(event: str) -> float:
    if event in KNOWN_FREQUENCY:
        return KNOWN_FREQUENCY[event]
    if event.endswith(("_viewed", "_opened")) or event.startswith(("signed_", "page_")):
        return 60.0
    if event.endswith(("_created", "_invited", "_scheduled")):
        return 8.0
    if event.endswith("_connected"):
        return 1.5
    return 20.0


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise CatalogError(f"Seed file {path} is missing; the generator needs it to know the product.")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_catalog(seeds_dir: Path) -> Catalog:
    """Read event_catalog.csv and activation_milestones.csv and derive event mixes."""
    rows = _read_rows(seeds_dir / "event_catalog.csv")
    events = [row["event"].strip() for row in rows]
    duplicated = sorted({name for name in events if events.count(name) > 1})
    if duplicated:
        raise CatalogError(f"event_catalog.csv lists {', '.join(duplicated)} more than once; keep one row per event.")
    features: list[str] = []
    for row in rows:
        feature = (row.get("feature") or "").strip()
        if feature and feature not in features:
            features.append(feature)
    event_feature = np.array(
        [features.index(f.strip()) if (f := row.get("feature") or "").strip() else -1 for row in rows],
        dtype=np.int64,
    )
    weight = np.array([float(row["weight"]) for row in rows])
    meaningful = np.array([row["is_meaningful"].strip().lower() == "true" for row in rows])
    frequency = np.array([_guess_frequency(name) for name in events])
    frequency = frequency / frequency.sum()

    milestone_rows = _read_rows(seeds_dir / "activation_milestones.csv")
    milestones = [row["milestone"].strip() for row in milestone_rows]
    dangling = [row["event"] for row in milestone_rows if row["event"].strip() not in events]
    if dangling:
        raise CatalogError(f"activation_milestones.csv names events missing from the catalog: {', '.join(dangling)}.")
    milestone_event = np.array([events.index(row["event"].strip()) for row in milestone_rows], dtype=np.int64)

    is_milestone = np.zeros(len(events), dtype=bool)
    is_milestone[milestone_event] = True
    noise_mask = (event_feature < 0) & ~is_milestone
    if not noise_mask.any():
        noise_mask = ~is_milestone
    noise_codes = np.flatnonzero(noise_mask)
    noise_frequency = frequency[noise_codes] / frequency[noise_codes].sum()

    feature_use = np.array([frequency[event_feature == f].sum() for f in range(len(features))])
    return Catalog(
        events=events,
        features=features,
        event_feature=event_feature,
        weight=weight,
        meaningful=meaningful,
        frequency=frequency,
        milestones=milestones,
        milestone_event=milestone_event,
        noise_codes=noise_codes,
        noise_frequency=noise_frequency,
        authoring=weight >= AUTHORING_MIN_WEIGHT,
        server_side=np.array([name.endswith(SERVER_SIDE_SUFFIXES) for name in events]),
        core_feature=int(feature_use.argmax()) if len(features) else -1,
    )
