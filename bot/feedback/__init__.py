"""Feedback: votes and reasons people give answers, kept to become evaluation data."""
