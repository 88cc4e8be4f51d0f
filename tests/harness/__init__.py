"""Self-tests of harness/."""
