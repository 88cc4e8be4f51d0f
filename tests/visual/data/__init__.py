"""Test data for the pixel comparison: rendered pages (PNG), their generator and pair makers."""
