"""News from the web: pages by URL, and the feeds and sitemaps of sites to follow."""
