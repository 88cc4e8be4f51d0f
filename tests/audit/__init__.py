"""Self-tests of the site audit: discovery, collection, checks and report, on fixture sites."""
