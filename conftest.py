"""Loads the suite's fixtures: one plugin module per concern (see fixtures/)."""

pytest_plugins = [
    "fixtures.config",
    "fixtures.browser",
    "fixtures.performance",
    "fixtures.targets",
    "fixtures.auth",
    "fixtures.data",
    "fixtures.mocks",
    "fixtures.a11y",
    "fixtures.health",
    "fixtures.visual",
    "fixtures.reporting",
    "fixtures.scheduling",
]
