"""`python -m newsmon.cli`: the `newsmon` command line (newsmon/cli/__init__.py)."""

import sys

from newsmon.cli import main

if __name__ == "__main__":
    sys.exit(main())
