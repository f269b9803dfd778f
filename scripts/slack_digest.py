"""Post the daily customer-health digest (who is slipping, who is ready to expand, what to
address first) to a Slack incoming webhook as Block Kit.

Usage: python scripts/slack_digest.py [--dry-run] [--date YYYY-MM-DD]
See docs/reverse_etl.md; settings are in scripts/slack_digest.yml.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reverse_etl.digest_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
