"""vnqa front-ends and question answering over the ingested articles."""

import os

# ONNX Runtime (the reader's default runtime, and chromadb's) records a telemetry session in
# $TMPDIR when it is imported; vnqa sends and keeps nothing of the kind.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
