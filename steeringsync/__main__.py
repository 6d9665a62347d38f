"""Entry point for ``python -m steeringsync``."""

from __future__ import annotations

import sys

from steeringsync.cli import main

if __name__ == "__main__":
    sys.exit(main())
