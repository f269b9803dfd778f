# The two commands: `make demo` (demo data -> dbt build -> attention list -> sync dry run -> dashboard)
# and `make test` (lint, dbt build + tests on a small fixed dataset, pytest).
# Both create the virtual environment from requirements.txt on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
# The Spark path has its own environment, so the default install stays light.
VENV_SPARK := .venv-spark
SPARK_STAMP := $(VENV_SPARK)/.requirements-installed

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONDONTWRITEBYTECODE :=

DEMO_DB ?= warehouse.duckdb
# The test dataset: small, deterministic, and computed as of a fixed date.
TEST_DIR := target/test
TEST_DB := $(TEST_DIR)/warehouse.duckdb
TEST_AS_OF := 2025-06-30
TEST_DATA_FLAGS := --seed 7 --accounts 60 --days 300 --events 200000 --end-date $(TEST_AS_OF)

.PHONY: help venv demo test lint metrics dashboard story-suite test-dbt test-python sync digest daily docs clean backtest calibrate chromium \
	test-postgres test-spark venv-spark benchmark test-slow

help:
	@echo "make demo   - build the demo warehouse and show the accounts that need attention today"
	@echo "make test   - lint, build and test the project on a small fixed dataset, run pytest (not the slow tests)"
	@echo "make sync   - write the health fields to Salesforce (needs SALESFORCE_* env vars)"
	@echo "make digest - post the daily digest to Slack (needs SLACK_WEBHOOK_URL)"
	@echo "make daily  - the scheduled job: source freshness, dbt build, then sync, then digest"
	@echo "make docs   - generate and serve the dbt docs on http://localhost:8080"
	@echo "make metrics   - after make demo: example queries of the semantic layer (MetricFlow's mf query)"
	@echo "make dashboard - after make demo: the static dashboard in target/dashboard/ (open index.html)"
	@echo "make story-suite - the score's early warning on the story suite, not the demo (a few minutes; docs/story_suite.md)"
	@echo "make backtest - after make demo: check the score against real churn (report + weight suggestions)"
	@echo "make calibrate - after make backtest: weights per scorecard and band cut-offs fitted to a false-alarm budget (README \"Calibrating on your own history\"); never writes your seed"
	@echo "make test-postgres - the test dataset on a throwaway PostgreSQL: every mart equals DuckDB's (also in make test)"
	@echo "make test-spark    - the test dataset on a local Spark (own venv, about 15 minutes): the day before, then the last day"
	@echo "                     incremental (date partitions replaced: insert_overwrite); every mart equals DuckDB's full build"
	@echo "make test-slow     - the slow end-to-end tests make test leaves out (pytest -m slow: the small benchmark end to end)"
	@echo "make benchmark     - time generation, full and incremental builds and the sync at SIZE=small|medium|large|xlarge (DOUBLE_HISTORY=1: also two years)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	@echo "==> Installing pinned requirements"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.txt
	@echo "==> Installing the project's package (scripts/customer_health) in editable mode"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps -e .
	touch $@

demo: venv
	@echo "==> 1/5 Generating demo data into $(DEMO_DB)"
	$(BIN)/health-demo-data --db $(DEMO_DB)
	@echo "==> 2/5 dbt build (seeds, models, tests) as of today"
	# --full-refresh: the demo data was generated anew, so the incremental models start over
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build --full-refresh
	@echo "==> 3/5 Accounts that need attention today"
	$(BIN)/health-attention --db $(DEMO_DB)
	@echo "==> 4/5 What the Salesforce sync would write (dry run, nothing is sent)"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/health-sync salesforce --dry-run
	@echo "==> 5/5 The dashboard (its last line says where to open it)"
	$(BIN)/health-dashboard --db $(DEMO_DB)

test: venv chromium lint test-dbt test-python

lint: venv
	@echo "==> sqlfluff lint (dbt templater)"
	$(BIN)/health-empty-sources --db $(TEST_DIR)/lint.duckdb --with-subscriptions
	DBT_DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt --processes 2

test-dbt: venv
	@echo "==> Generating the test dataset into $(TEST_DB)"
	mkdir -p $(TEST_DIR)
	$(BIN)/health-demo-data --db $(TEST_DB) $(TEST_DATA_FLAGS)
	@echo "==> dbt build on the test dataset (seeds, models, data tests, unit tests) as of $(TEST_AS_OF)"
	DBT_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build --full-refresh --vars '{as_of_date: $(TEST_AS_OF)}'
	@echo "==> MetricFlow: the semantic models and metrics checked against the test warehouse"
	# dbt's parse above already validated the semantic layer's spec; this also checks that every
	# dimension, measure and metric queries on the built tables (a column typo fails here)
	DBT_DUCKDB_PATH=$(TEST_DB) $(BIN)/mf validate-configs

# The slow end-to-end tests (marked `slow`, pyproject.toml) are left out here: make test-slow runs them.
test-python: venv
	@echo "==> pytest (not the slow tests: make test-slow)"
	HEALTH_TEST_WAREHOUSE=$(TEST_DB) HEALTH_TEST_AS_OF=$(TEST_AS_OF) $(BIN)/python -m pytest tests/python -q -p no:cacheprovider \
		-m "not slow" --durations=25 \
		|| { code=$$?; if [ $$code -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; fi; exit $$code; }

# Not part of make test, to keep it under 20 minutes: the slow end-to-end checks (the small
# benchmark end to end, about 5 minutes). Builds its own data; the test warehouse is reused when present.
test-slow: venv
	@echo "==> pytest -m slow (the slow end-to-end tests)"
	HEALTH_TEST_WAREHOUSE=$(TEST_DB) HEALTH_TEST_AS_OF=$(TEST_AS_OF) $(BIN)/python -m pytest tests/python -q -p no:cacheprovider \
		-m slow \
		|| { code=$$?; if [ $$code -eq 5 ]; then echo "pytest collected no slow tests: that is a failure here"; fi; exit $$code; }

# Example queries of the semantic layer (models/semantic): the metrics by name, as a BI tool asks.
metrics: venv
	@test -f $(DEMO_DB) || { echo "No warehouse at $(DEMO_DB): run make demo first."; exit 1; }
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt parse --quiet
	@echo "==> The book today, by health band"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --decimals 1 --metrics accounts,arr,average_health_score,pct_accounts_at_risk \
		--group-by account__health_band --order account__health_band
	@echo "==> By coverage tier: activity and adoption"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --decimals 1 \
		--metrics accounts,active_accounts_30d,active_users_7d,active_users_30d,average_feature_adoption_pct,average_activation_pct \
		--group-by account__coverage_tier --order account__coverage_tier
	@echo "==> Accounts by band at each month's end (score history)"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --metrics accounts_daily \
		--group-by metric_time__month,account_day__health_band --order metric_time__month,account_day__health_band
	@echo "==> DAU, WAU, MAU and stickiness at each month's end"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --decimals 1 --metrics dau,wau,mau,pct_stickiness \
		--group-by metric_time__month --order metric_time__month
	@echo "==> NRR and GRR, whole book, over the last 90 and 365 days"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --decimals 1 --metrics nrr_pct,grr_pct,retention_starting_arr \
		--group-by retention_segment__period_days --order retention_segment__period_days
	@echo "==> ARR renewing and ARR at risk by renewal window"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --quiet --decimals 0 --metrics arr_renewing,arr_at_risk \
		--group-by renewal_cell__renewal_window --order renewal_cell__renewal_window

# The static dashboard (customer_health.dashboard): DASHBOARD_FLAGS='--warehouse-dsn ...' reads PostgreSQL.
DASHBOARD_FLAGS ?=
dashboard: venv
	$(BIN)/health-dashboard --db $(DEMO_DB) $(DASHBOARD_FLAGS)

# The story suite (customer_health.story_suite): many accounts per churn and fine story, separate from
# the demo; builds its own warehouse and writes docs/story_suite.md. make test runs a small version.
story-suite: venv
	$(BIN)/health-story-suite

# The demo has 450 days of events; 390 days of score history leave 300 labelled days (90-day horizon).
BACKTEST_VARS := {history_days: 390}

backtest: venv
	@echo "==> 1/4 dbt build of the score history ($(BACKTEST_VARS)) and the backtest models"
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build --select +path:models/backtest --vars '$(BACKTEST_VARS)'
	@echo "==> 2/4 Backtest report (also target/backtest/backtest_report.html)"
	$(BIN)/health-backtest-report --db $(DEMO_DB)
	@echo "==> 3/4 Suggested weights (seeds/health_score_weights.csv is not changed)"
	$(BIN)/health-suggest-weights --db $(DEMO_DB)
	@echo "==> 4/4 The story suite's figures on the demo, per demo story (churners against the demo's fine stories)"
	$(BIN)/health-story-suite --demo-db $(DEMO_DB)

# Calibration on the warehouse's own history (scripts/customer_health/backtest/calibrate_cli.py): reads the stored
# component scores and the backtest's labels, so no dbt rebuild; needs make backtest (or dbt build) first.
CALIBRATE_FLAGS ?=
calibrate: venv
	$(BIN)/health-suggest-weights calibrate --db $(DEMO_DB) $(CALIBRATE_FLAGS)

# The same test dataset on the other engines; each compares every mart with the DuckDB build.
# test-postgres also runs inside make test (tests/python/dbt/test_postgres_warehouse.py).
test-postgres: venv test-dbt
	@echo "==> PostgreSQL: throwaway cluster, dbt build --target postgres, marts compared with DuckDB"
	HEALTH_TEST_WAREHOUSE=$(TEST_DB) HEALTH_TEST_AS_OF=$(TEST_AS_OF) $(BIN)/python -m pytest \
		tests/python/dbt/test_postgres_warehouse.py -q -p no:cacheprovider

venv-spark: $(SPARK_STAMP)

$(SPARK_STAMP): requirements-spark.txt
	@echo "==> Creating the Spark virtual environment in $(VENV_SPARK) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV_SPARK)
	$(VENV_SPARK)/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV_SPARK)/bin/uv pip install --quiet --python $(VENV_SPARK)/bin/python --compile-bytecode -r requirements-spark.txt
	touch $@

# Not part of make test: Spark starts slowly and runs two builds (the day before, then the last day
# incrementally, with late loads and in-place changes): about 15 minutes here, plus the environment.
test-spark: venv-spark test-dbt
	@echo "==> Spark: local PySpark warehouse, dbt build --target spark as of the day before, then incrementally;"
	@echo "    every mart and each date-partitioned table compared with the DuckDB full build"
	HEALTH_TEST_WAREHOUSE=$(TEST_DB) HEALTH_TEST_AS_OF=$(TEST_AS_OF) $(VENV_SPARK)/bin/python -m pytest \
		tests/spark -q -p no:cacheprovider

# Timings at a named size (docs/benchmarks.md); not part of make test. DOUBLE_HISTORY=1 also runs
# <size>-2y (two years at the same daily volume) for issue 18's doubled-history figure.
SIZE ?= medium
benchmark: venv
	$(BIN)/health-benchmark --size $(SIZE) $(if $(DOUBLE_HISTORY),--double-history)

# Headless Chromium renders the backtest report in the tests (installed with apt when missing).
chromium:
	bash scripts/ensure_chromium.sh

sync: venv
	$(BIN)/health-sync salesforce

digest: venv
	$(BIN)/health-digest

# The scheduled job: check the loaders, build as of today, then write to the CRM, then post the digest.
daily: venv
	# the events' latest load (segment.tracks.received_at): a warning after 1 day, an error (which
	# stops the job, so yesterday's values stay in the CRM) after 3; the sync and the digest also
	# refuse scores whose as_of_date lies more than stale_data_warn_days past the latest event
	$(BIN)/dbt source freshness
	# selectors.yml: everything but the backtest (make backtest rebuilds it over its own longer
	# history) and the unit tests (logic on fixed inputs: make test runs them)
	$(BIN)/dbt build --selector daily
	$(BIN)/health-sync salesforce
	$(BIN)/health-digest

docs: venv
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt docs generate
	DBT_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt docs serve --port 8080

clean:
	rm -rf target logs $(VENV) $(VENV_SPARK) $(DEMO_DB)
