"""Per story: how early and how quietly the health score warns, read from a built suite warehouse,
or from a demo warehouse (its demo_meta tables name each account's story, onset and churn).

When the decline began: the first day it shows in the account's data (the suite's first_change_date: a seat
contraction's first leaver, an escalation's first urgent ticket), not the first day of the window the story draws
it in (decline_onset_date), which can be weeks earlier; the demo's decline start is both. The targets' churners
are those whose decline began 6 weeks or more before churn; the same figures by the window's first day are
reported beside them.

Positives and negatives for the AUC: the account-days of churners from the day their decline began to the
day before churn, against every account-day of the fine stories (a lower score should mean risk).
The activity baseline ranks the same days by every event of the last 30 days.

Every account has one role: a churner, a fine account, or (the demo only) an account at risk that
has not churned by the end, which the demo wants a CSM to see: it is neither a churner nor a fine
account, so it is reported apart and counted in neither figure."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np

from customer_health.demo_data.config import HEALTHY_STORIES, STORIES

WARNED = ("yellow", "red")
TARGET_MIN_ONSET_DAYS = 42
CHURN, FINE, AT_RISK = "churn", "fine", "at risk"
# The demo generator's stories that never churn (steady, expanding, noisy_fine); its other stories
# (decaying, champion_loss, stalled_onboarding) are at risk whether or not they churned by the end.
DEMO_FINE_STORIES = tuple(STORIES[story] for story in HEALTHY_STORIES)
SUITE_META_SQL = ("select account_id, story, case when is_churn_story then 'churn' else 'fine' end, "
                  "decline_onset_date, first_change_date, churned_at from story_meta.account_stories")
_FINE_LIST = ", ".join(f"'{story}'" for story in DEMO_FINE_STORIES)
DEMO_META_SQL = (
    "select account_id, "
    f"case when churned_at is null and story not in ({_FINE_LIST}) then story || ' (not churned)' else story end, "
    f"case when churned_at is not null then 'churn' when story in ({_FINE_LIST}) then 'fine' else 'at risk' end, "
    "decline_start_date, decline_start_date, churned_at from demo_meta.account_timelines")


@dataclass
class StoryRow:
    story: str
    kind: str
    accounts: int
    warned_28: float | None = None
    warned_42: float | None = None
    median_lead: float | None = None
    median_score_28: float | None = None
    yellow_days: float | None = None
    red_days: float | None = None
    auc: float | None = None
    auc_activity: float | None = None
    median_begun_days: float | None = None  # days from the decline's first change to churn


@dataclass
class Summary:
    rows: list[StoryRow]
    target_churners: int
    warned_28: float
    warned_42: float
    fine_warned_days: float
    fine_red_days: float
    auc: float
    auc_activity: float
    median_lead: float
    # the same targets with the decline dated from the first day of the story's window (decline_onset_date)
    target_churners_window: int = 0
    warned_28_window: float = 0.0
    warned_42_window: float = 0.0
    auc_window: float = 0.0


def auc(positive: np.ndarray, negative: np.ndarray) -> float | None:
    """P(a positive day scores lower than a negative day), ties counting half."""
    if len(positive) == 0 or len(negative) == 0:
        return None
    neg = np.sort(np.asarray(negative, dtype=np.float64))
    pos = np.asarray(positive, dtype=np.float64)
    right = np.searchsorted(neg, pos, side="right")
    left = np.searchsorted(neg, pos, side="left")
    return float(((len(neg) - right) + 0.5 * (right - left)).sum() / (len(pos) * len(neg)))


def _load(con: duckdb.DuckDBPyConnection, meta_sql: str) -> tuple[dict, dict]:
    meta = {row[0]: row[1:] for row in con.execute(meta_sql).fetchall()}
    days: dict[str, list] = {}
    rows = con.execute(
        "select h.account_id, h.as_of_date, h.health_score, h.health_band, coalesce(b.count_events_30d, 0) "
        "from marts.account_health_daily as h "
        "left join backtest.health_backtest_account_days as b "
        "on h.account_id = b.account_id and h.as_of_date = b.as_of_date "
        "order by h.account_id, h.as_of_date").fetchall()
    for account_id, day, score, band, events in rows:
        days.setdefault(account_id, []).append((day, score, band, events))
    return meta, days


def _share(values: list[bool]) -> float | None:
    return float(np.mean(values)) if values else None


def summarise(con: duckdb.DuckDBPyConnection, meta_sql: str = SUITE_META_SQL) -> Summary:
    """The figures per story. meta_sql gives per account: id, story, role (CHURN, FINE or AT_RISK), the first
    day of the decline's window and the first day the decline shows in the data (each null when unknown or
    never), churn date."""
    meta, days = _load(con, meta_sql)
    fine_scores: list[int] = []
    fine_events: list[int] = []
    fine_bands: list[str] = []
    for account_id, (story, role, _onset, _began, _churn) in meta.items():
        if role == FINE:
            for _day, score, band, events in days.get(account_id, []):
                fine_scores.append(score)
                fine_events.append(events)
                fine_bands.append(band)
    fine_scores_a = np.array(fine_scores)
    fine_events_a = np.array(fine_events)
    stories = sorted({m[0] for m in meta.values()}, key=lambda s: (_ROLE_ORDER[_role(meta, s)], s))
    rows: list[StoryRow] = []
    all_pos_scores: list[int] = []
    all_pos_events: list[int] = []
    window_pos_scores: list[int] = []
    target: dict[tuple[str, int], list[bool]] = {(began, lead): [] for began in ("change", "window")
                                                 for lead in (28, 42)}
    all_leads: list[int] = []
    for story in stories:
        ids = [a for a, m in meta.items() if m[0] == story]
        if _role(meta, story) != CHURN:
            bands = [d[2] for a in ids for d in days.get(a, [])]
            rows.append(StoryRow(story, "fine" if _role(meta, story) == FINE else "at risk", len(ids),
                                 yellow_days=_share([b == "yellow" for b in bands]),
                                 red_days=_share([b == "red" for b in bands])))
            continue
        w28: list[bool] = []
        w42: list[bool] = []
        leads: list[int] = []
        scores_28: list[int] = []
        begun_days: list[int] = []
        pos_scores: list[int] = []
        pos_events: list[int] = []
        for account_id in ids:
            _story, _is, onset, began, churn = meta[account_id]
            by_day = {d[0]: d for d in days.get(account_id, [])}
            if not by_day or churn is None:
                continue
            if began is not None:
                begun_days.append((churn - began).days)
            first_day = min(by_day)
            for lead, bucket in ((28, w28), (42, w42)):
                row = by_day.get(churn - timedelta(days=lead))
                if row is not None:
                    bucket.append(row[2] in WARNED)
                    for kind, start in (("change", began), ("window", onset)):
                        if start is not None and (churn - start).days >= TARGET_MIN_ONSET_DAYS:
                            target[kind, lead].append(row[2] in WARNED)
            row28 = by_day.get(churn - timedelta(days=28))
            if row28 is not None:
                scores_28.append(row28[1])
            if churn - timedelta(days=90) >= first_day:
                warned = [d for d in sorted(by_day) if churn - timedelta(days=90) <= d < churn
                          and by_day[d][2] in WARNED]
                leads.append((churn - warned[0]).days if warned else 0)
            for day, score, _band, events in by_day.values():
                if began is not None and began <= day < churn:
                    pos_scores.append(score)
                    pos_events.append(events)
                if onset is not None and onset <= day < churn:
                    window_pos_scores.append(score)
        all_pos_scores += pos_scores
        all_pos_events += pos_events
        all_leads += leads
        rows.append(StoryRow(
            story, "churn", len(ids), _share(w28), _share(w42),
            float(np.median(leads)) if leads else None,
            float(np.median(scores_28)) if scores_28 else None,
            auc=auc(np.array(pos_scores), fine_scores_a),
            auc_activity=auc(np.array(pos_events), fine_events_a),
            median_begun_days=float(np.median(begun_days)) if begun_days else None))
    return Summary(
        rows, len(target["change", 28]), _share(target["change", 28]) or 0.0, _share(target["change", 42]) or 0.0,
        _share([b in WARNED for b in fine_bands]) or 0.0, _share([b == "red" for b in fine_bands]) or 0.0,
        auc(np.array(all_pos_scores), fine_scores_a) or 0.0,
        auc(np.array(all_pos_events), fine_events_a) or 0.0,
        float(np.median(all_leads)) if all_leads else 0.0,
        target_churners_window=len(target["window", 28]),
        warned_28_window=_share(target["window", 28]) or 0.0,
        warned_42_window=_share(target["window", 42]) or 0.0,
        auc_window=auc(np.array(window_pos_scores), fine_scores_a) or 0.0)


_ROLE_ORDER = {CHURN: 0, FINE: 1, AT_RISK: 2}


def _role(meta: dict, story: str) -> str:
    """A story's role: every account of a story has the same one."""
    return next(m[1] for m in meta.values() if m[0] == story)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f} %"


def _pct1(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def markdown(summary: Summary) -> str:
    lines = [
        "| story | accounts | warned 28 d before | warned 42 d before | median lead (days) | median score 28 d before "
        "| AUC after the decline began | activity AUC | decline began, median days before churn |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in summary.rows:
        if row.kind == "churn":
            lines.append(f"| {row.story} | {row.accounts} | {_pct(row.warned_28)} | {_pct(row.warned_42)} | "
                         f"{_num(row.median_lead)} | {_num(row.median_score_28)} | {_num(row.auc, 3)} | "
                         f"{_num(row.auc_activity, 3)} | {_num(row.median_begun_days)} |")
    lines += ["", "| fine story | accounts | account-days yellow | account-days red |", "|---|---|---|---|"]
    for row in summary.rows:
        if row.kind == "fine":
            lines.append(f"| {row.story} | {row.accounts} | {_pct1(row.yellow_days)} | {_pct1(row.red_days)} |")
    at_risk = [row for row in summary.rows if row.kind == "at risk"]
    if at_risk:
        lines += ["", "| at risk, not churned by the end (neither churner nor fine) | accounts | account-days yellow "
                  "| account-days red |", "|---|---|---|---|"]
        lines += [f"| {row.story} | {row.accounts} | {_pct1(row.yellow_days)} | {_pct1(row.red_days)} |" for row in at_risk]
    lines += [
        "",
        "| target | figure | target |",
        "|---|---|---|",
        f"| churners whose decline began ≥ 6 weeks before churn ({summary.target_churners}), warned 28 days "
        f"before | {_pct(summary.warned_28)} | ≥ 85 % |",
        f"| the same, warned 42 days before | {_pct(summary.warned_42)} | ≥ 60 % |",
        f"| fine account-days yellow or red | {_pct1(summary.fine_warned_days)} | ≤ 10 % |",
        f"| fine account-days red | {_pct1(summary.fine_red_days)} | ≤ 2 % |",
        f"| AUC after the decline began (all churn stories vs fine days) | {summary.auc:.3f} | ≥ 0.90 |",
        f"| activity baseline AUC (all events, 30 days) | {summary.auc_activity:.3f} | score ≥ baseline + 0.15 |",
        f"| median lead time, all churners (days; 0 when never warned) | {summary.median_lead:.0f} | |",
    ]
    if summary.target_churners_window != summary.target_churners or summary.auc_window != summary.auc:
        lines += [
            "",
            "The same with the decline dated from the first day of the story's window (decline_onset_date), "
            "which can be weeks before the data changes:",
            "",
            "| by the window's first day | figure |",
            "|---|---|",
            f"| churners with the window ≥ 6 weeks before churn ({summary.target_churners_window}), warned 28 "
            f"days before | {_pct(summary.warned_28_window)} |",
            f"| the same, warned 42 days before | {_pct(summary.warned_42_window)} |",
            f"| AUC from the window's first day | {summary.auc_window:.3f} |",
        ]
    return "\n".join(lines)
