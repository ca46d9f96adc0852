"""vnqa's tests. Imported before any test module: model libraries stay offline."""

from ingest.embedding.offline import offline_model_libraries

offline_model_libraries()
