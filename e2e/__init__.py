"""End-to-end specs, one module per area."""
