"""Visual regression: pixel comparison, screenshot stabilisation, baselines and their review."""
