"""The web UI and JSON API over a storyline database (``storyline serve``)."""
