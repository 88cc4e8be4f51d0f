"""The engine the fixtures stand on: config, browsers, app launcher, visual diff, axe, vitals, reports."""
