#!/usr/bin/env python3
"""The story suite: generate many accounts per churn and fine story, build the project on them and
report how early and how quietly the health score warns (docs/story_suite.md).

    python scripts/story_suite.py                      # full suite, writes docs/story_suite.md
    python scripts/story_suite.py --small --no-docs    # the small version make test runs
"""
from __future__ import annotations

import sys

from story_suite.cli import main

if __name__ == "__main__":
    sys.exit(main())
