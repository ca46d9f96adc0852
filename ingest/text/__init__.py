"""Vietnamese text shared by ingest and query time: normalisation, sentences, chunks."""
