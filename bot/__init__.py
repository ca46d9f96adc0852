"""vnqa front-ends and question answering over the ingested articles."""
