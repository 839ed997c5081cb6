"""State storage: the `StateStore` protocol, an in-memory implementation and a Redis implementation."""
