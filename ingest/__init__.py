"""Ingest: load, clean, chunk, embed and store Vietnamese news articles."""

import os

# ONNX Runtime (imported by chromadb and the reader) records a telemetry session in $TMPDIR
# when it is imported; vnqa sends and keeps nothing of the kind.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
