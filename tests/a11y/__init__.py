"""Self-tests of the accessibility engine: axe checks, known issues, keyboard checks."""
