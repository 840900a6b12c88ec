"""The bundle's entry point: the same ``papershelf`` command as the installed one."""

import multiprocessing
import sys

from reader.logs import configure_logging
from ui.launch import main

if __name__ == "__main__":
    # The interest learner runs in a child process started with "spawn": in the bundle
    # that child is this executable again, and this call turns it into the learner.
    multiprocessing.freeze_support()
    configure_logging()
    sys.exit(main())
