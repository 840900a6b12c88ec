"""``python -m reader``: the command line without the desktop window."""

from __future__ import annotations

import sys

from reader.cli import main

sys.exit(main())
