"""Loads the suite's own fixtures: one plugin module per concern (see fixtures/).

The engine (sitewise, installed with `pip install -e .`) loads itself through its pytest11
entry point, as it does for any project.
"""

pytest_plugins = [
    "fixtures.targets",
    "fixtures.auth",
    "fixtures.data",
    "fixtures.mocks",
]
