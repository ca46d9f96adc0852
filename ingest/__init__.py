"""Ingest: load, clean, chunk, embed and store Vietnamese news articles."""
