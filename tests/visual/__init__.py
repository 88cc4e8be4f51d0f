"""Tests of sitewise/visual: pixel comparison, and the visual engine around it."""
