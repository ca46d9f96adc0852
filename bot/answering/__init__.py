"""The answering core: question analysis, retrieval, the reader, the responder, generation."""
