"""The question: normalised, analysed once, and follow-ups made whole."""
