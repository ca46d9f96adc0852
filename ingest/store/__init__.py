"""The store: SQLite catalog and full text, Chroma vectors, locks, crash-safe writes."""
