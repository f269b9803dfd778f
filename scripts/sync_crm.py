"""Push account health from the warehouse into Salesforce or HubSpot (only what changed).

Usage: python scripts/sync_crm.py salesforce|hubspot [--dry-run] [--full] [--limit N]
See docs/reverse_etl.md; the field mapping is in scripts/sync_crm.yml.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reverse_etl.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
