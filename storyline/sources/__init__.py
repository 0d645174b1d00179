"""Where articles come from besides files: feeds, sitemaps, WARC archives, news-please JSON, URLs.

``readers.py`` dispatches to these readers; ``fetch`` is the one HTTP client; ``watch`` polls feeds.
"""
