"""Reading: a span-extraction model finds the answer inside the retrieved passages."""
