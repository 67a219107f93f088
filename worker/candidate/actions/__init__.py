"""Use cases of the candidate space."""
