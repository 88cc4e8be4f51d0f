"""Self-tests of harness/ and fixtures/, and the reference apps' API tests."""
