"""Turns the catalog into the static site (site/). Entry point: build.py."""
