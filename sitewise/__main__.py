"""`python -m sitewise`: the suite's command line (see sitewise/cli.py)."""

import sys

from sitewise.cli import main

sys.exit(main())
