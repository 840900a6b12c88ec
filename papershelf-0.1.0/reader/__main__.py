"""``python -m reader``: the command line without the desktop window."""

from __future__ import annotations

import sys

from reader.cli import main
from reader.logs import configure_logging

configure_logging()
sys.exit(main())
