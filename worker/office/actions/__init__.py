"""Use cases of the back office."""
