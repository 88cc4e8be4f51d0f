"""sitewise: end-to-end checks for any web app, as a pytest plugin on Playwright.

Screenshots against baselines with a designers' review page, axe and keyboard checks,
Web Vitals with budgets and API latency, named targets with health checks, signed-in
roles, reports, and a scheduler for pytest-xdist. Installed, it loads itself through
its pytest11 entry point (sitewise.plugin); `sitewise --help` lists its commands.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pytest-sitewise")
except PackageNotFoundError:  # a checkout on sys.path, not installed
    __version__ = "0+unknown"
