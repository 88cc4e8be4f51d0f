"""Self-tests of sitewise/."""
