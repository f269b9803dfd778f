"""Where the project is: the package lives in scripts/customer_health, installed in editable mode."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SCRIPTS_DIR = PACKAGE_DIR.parent          # the YAML settings beside the scripts (sync_crm.yml, slack_digest.yml)
PROJECT_ROOT = SCRIPTS_DIR.parent         # dbt_project.yml, seeds/, models/, target/
