"""The bundle's entry point: the same ``papershelf`` command as the installed one."""

import sys

from reader.logs import configure_logging
from ui.launch import main

if __name__ == "__main__":
    configure_logging()
    sys.exit(main())
