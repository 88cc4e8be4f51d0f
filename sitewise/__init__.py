"""sitewise: end-to-end checks for any web app, as a pytest plugin on Playwright.

Screenshots against baselines with a designers' review page, axe and keyboard checks,
Web Vitals with budgets and API latency, named targets with health checks, signed-in
roles, reports, and a scheduler for pytest-xdist. Installed, it loads itself through
its pytest11 entry point (sitewise.plugin); `sitewise --help` lists its commands.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitewise.soft_checks import soft
    from sitewise.steps import step

__all__ = ["__version__", "soft", "step"]


def __getattr__(name: str) -> Any:
    # Imported when first used (in a test), not with the package: pytest loads the plugin
    # modules after this package and rewrites the asserts only of modules not yet imported.
    if name == "soft":
        from sitewise.soft_checks import soft

        return soft
    if name == "step":
        from sitewise.steps import step

        return step
    raise AttributeError(f"module 'sitewise' has no attribute {name!r}")


try:
    __version__ = version("pytest-sitewise")
except PackageNotFoundError:  # a checkout on sys.path, not installed
    __version__ = "0+unknown"
