"""Generation: answers written by an LLM from the retrieved passages, and checked."""
