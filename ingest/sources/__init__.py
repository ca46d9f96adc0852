"""Where articles come from: loaders for each file type, page cleaning, dates, JSON records."""
