"""End-to-end checks of the dbt project on the small deterministic test warehouse."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.python.support.dbt_project_harness import (
    PROJECT_ROOT,
    TEST_AS_OF,
    copy_project,
    copy_warehouse,
    query,
    reference_warehouse,
    run_dbt,
)


@pytest.fixture(scope="module")
def warehouse() -> Path:
    return reference_warehouse()



def test_data_quality_counts_match_what_the_generator_planted(warehouse: Path) -> None:
    planted = dict(((t, k), n) for t, k, n in query(warehouse, "select source_table, kind, row_count from demo_meta.planted_issues"))
    counted = dict(((t, k), n) for t, k, n in query(warehouse, "select source_table, kind, row_count from data_quality.data_quality_issues"))
    assert planted, "the generator planted no dirty rows"
    assert all(n > 0 for n in planted.values()), planted
    for key, planted_count in planted.items():
        assert counted.get(key) == planted_count, f"{key}: planted {planted_count}, counted {counted.get(key)}"
    unplanted = {key: n for key, n in counted.items() if key not in planted and n != 0}
    assert not unplanted, f"kinds counted that were never planted: {unplanted}"


def test_every_current_customer_has_a_health_row(warehouse: Path) -> None:
    (missing,) = query(warehouse, """
        select count(*) from crm.accounts as a
        where a.contract_start_date <= cast(? as date)
          and (a.churned_at is null or a.churned_at > cast(? as date))
          and a.account_id not in (select account_id from marts.account_health)
    """, [TEST_AS_OF, TEST_AS_OF])[0]
    assert missing == 0
    (churned,) = query(warehouse, """
        select count(*) from marts.account_health as h
        join crm.accounts as a using (account_id)
        where a.churned_at <= cast(? as date)
    """, [TEST_AS_OF])[0]
    assert churned == 0


def test_stories_separate_on_the_score(warehouse: Path) -> None:
    rows = dict(query(warehouse, """
        select s.story, avg(h.health_score)
        from marts.account_health as h join demo_meta.account_stories as s using (account_id)
        group by s.story
    """))
    assert rows["steady"] > rows["decaying"] + 15
    assert rows["steady"] > rows["stalled_onboarding"] + 30


# Outcome reporting reads churn: the backtest and the portfolio models (their folders).
OUTCOME_FOLDERS = ("backtest", "portfolio")


def outcome_model_names() -> set[str]:
    return {path.stem for path in (PROJECT_ROOT / "models").rglob("*.sql")
            if any(folder in path.parts for folder in OUTCOME_FOLDERS)}


def test_no_scoring_model_reads_churned_at() -> None:
    """churned_at may only decide who is a current customer (and feed evaluation and portfolio
    reporting); no scoring model may read an outcome model either."""
    allowed = {"base_crm__accounts.sql", "stg_crm__accounts.sql", "int_customer_days.sql", "int_current_customers.sql"}
    outcome_models = outcome_model_names()
    assert {"portfolio_retention", "int_account_arr_daily", "health_backtest_summary"} <= outcome_models
    offenders = []
    for path in (PROJECT_ROOT / "models").rglob("*.sql"):
        if any(folder in path.parts for folder in OUTCOME_FOLDERS):
            continue
        text = path.read_text()
        if path.name not in allowed and re.search(r"churn", text, flags=re.IGNORECASE):
            offenders.append(path.relative_to(PROJECT_ROOT).as_posix())
        refs = set(re.findall(r"ref\(\s*['\"](\w+)['\"]\s*\)", text))
        offenders += [f"{path.relative_to(PROJECT_ROOT).as_posix()} reads {name}" for name in sorted(refs & outcome_models)]
    assert offenders == []


def test_no_built_scoring_table_carries_churn(warehouse: Path) -> None:
    outcome_tables = sorted(outcome_model_names())
    columns = query(warehouse, f"""
        select table_schema || '.' || table_name || '.' || column_name
        from information_schema.columns
        where table_schema in ('intermediate', 'marts') and column_name like '%churn%'
          and table_name not in ({", ".join("?" for _ in outcome_tables)})
    """, outcome_tables)
    assert columns == []


def test_rebuilding_at_an_earlier_date_matches_that_days_history(warehouse: Path, tmp_path: Path) -> None:
    """Point-in-time: as_of_date = D - 10 on the full data gives what history said of D - 10."""
    earlier = (dt.date.fromisoformat(TEST_AS_OF) - dt.timedelta(days=10)).isoformat()
    copy = copy_warehouse(warehouse, tmp_path / "earlier.duckdb")
    result = run_dbt(["run", "--select", "+account_health", "--vars", f"{{as_of_date: {earlier}}}"], copy,
                     target_path=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]
    compared = ["health_score", "engagement_score", "feature_adoption_pct", "activation_pct", "active_user_pct",
                "active_users_7d", "active_users_30d", "days_since_last_active", "tenure_days"]
    rebuilt = {r[0]: r[1:] for r in query(copy, f"select account_id, {', '.join(compared)} from marts.account_health")}
    history = {r[0]: r[1:] for r in query(
        warehouse, f"select account_id, {', '.join(compared)} from marts.account_health_daily where as_of_date = ?",
        [earlier])}
    assert rebuilt, "the rebuild produced no accounts"
    assert rebuilt.keys() == history.keys()
    mismatches = {k: (rebuilt[k], history[k]) for k in rebuilt if rebuilt[k] != history[k]}
    assert mismatches == {}


CONFIG_ERRORS = [
    'seeds/event_catalog.csv lists the event "report_created" 2 times: keep one row per event',
    "the weights in seeds/health_score_weights.csv sum to 0.9, not 1: change them so that they add up to exactly 1.",
    'seeds/health_score_weights.csv names the component "nps", which the score does not have: use one of engagement,',
]


def test_configuration_errors_name_the_value_under_seed_build_and_run(tmp_path: Path) -> None:
    """Each configuration error is one sentence with the bad value and the fix, whichever command meets it."""
    project = copy_project(tmp_path / "project")
    catalog = project / "seeds" / "event_catalog.csv"
    catalog.write_text(catalog.read_text() + "report_created,reports,5,true\n")
    weights = project / "seeds" / "health_score_weights.csv"
    text = weights.read_text()
    assert "\nestablished,support,0.16," in text
    weights.write_text(text.replace("\nestablished,support,0.16,", "\nestablished,support,0.06,")
                       + "established,nps,0.0,Not a component\n")
    db = tmp_path / "config.duckdb"
    as_of = ["--vars", f"{{as_of_date: {TEST_AS_OF}}}"]
    commands = {
        "seed": ["seed"],  # no test or model runs: the on-run-end check
        "build": ["build", "--select", "+int_event_catalog", *as_of],  # the seeds' config test
        "run": ["run", "--select", "int_event_catalog", *as_of],  # the model itself refuses
    }
    for name, args in commands.items():
        result = run_dbt(args, db, project_dir=project, target_path=tmp_path / "target")
        assert result.returncode != 0, name
        for sentence in CONFIG_ERRORS:
            assert sentence in result.stdout, f"dbt {name} did not say: {sentence}\n{result.stdout[-3000:]}"
        assert "Traceback" not in result.stdout + result.stderr, name


@pytest.mark.parametrize("as_of, says", [
    ("2025-02-30", "var 'as_of_date' is '2025-02-30', a day that does not exist."),
    ("30/06/2025", "var 'as_of_date' is '30/06/2025', which is not a date."),
])
def test_an_impossible_as_of_date_is_one_sentence_not_a_traceback(tmp_path: Path, as_of: str, says: str) -> None:
    """Quoted, as the README writes it: unquoted, dbt-core's own YAML parsing of --vars turns
    2025-02-30 into a date and crashes before the project runs (README, "Configuration")."""
    db = copy_warehouse(reference_warehouse(), tmp_path / "as_of.duckdb")
    result = run_dbt(["run", "--select", "int_current_customers", "--vars", f'{{as_of_date: "{as_of}"}}'], db,
                     target_path=tmp_path / "target")
    assert result.returncode != 0
    assert says in result.stdout
    assert "e.g. --vars '{as_of_date: 2025-03-01}'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("value, shown", [("0", "0"), ("-5", "-5"), ('"five"', "five")])
def test_a_bad_support_csat_min_rated_is_one_sentence(tmp_path: Path, value: str, shown: str) -> None:
    """support_csat_min_rated divides the bad ratings' share (issue 15, support rule E): zero, a
    negative number or text stops the build with the value and the fix, not a division error."""
    db = copy_warehouse(reference_warehouse(), tmp_path / "csat.duckdb")
    result = run_dbt(["compile", "--select", "int_account_health_component_scores", "--vars",
                      f"{{as_of_date: {TEST_AS_OF}, support_csat_min_rated: {value}}}"], db,
                     target_path=tmp_path / "target")
    assert result.returncode != 0
    assert f"support_csat_min_rated is {shown}: set it to a number above 0" in result.stdout, result.stdout[-2000:]
    assert "Traceback" not in result.stdout + result.stderr


def test_the_attention_table_prints_ranked_accounts(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from customer_health import attention as show_attention

    assert show_attention.main(["--db", str(warehouse), "--limit", "5"]) == 0
    output = capsys.readouterr().out
    assert "need attention today" in output
    assert len(re.findall(r"^\s*\d+\s{2}\S", output, flags=re.MULTILINE)) == 5
    # the portfolio lines come last, with the mart's figures
    (nrr, grr), = query(warehouse, "select nrr_pct, grr_pct from marts.portfolio_retention "
                                   "where segment_type = 'all' and period_days = 90")
    assert f"last 90 days: NRR {float(nrr):.1f}%, GRR {float(grr):.1f}%" in output
    assert output.index("need attention today") < output.index("Portfolio (ARR on a day")
