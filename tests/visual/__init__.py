"""Tests of harness/visual: pixel comparison, and the visual engine around it."""
