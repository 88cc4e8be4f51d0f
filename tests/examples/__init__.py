"""Self-tests of the example projects in examples/: each runs on the engine's wheel alone."""
