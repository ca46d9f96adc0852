"""Evidence: the passages retrieved for a question."""
