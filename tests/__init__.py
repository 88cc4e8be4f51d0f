"""Self-tests of sitewise/ and fixtures/, and the reference apps' API tests."""
