"""The engine under the fixtures: config, browsers, app launcher, visual, axe, vitals, reports."""
