"""`python -m sitewise.report merge|render ...`; see sitewise.report.cli."""

import sys

from sitewise.report.cli import main

sys.exit(main())
