"""The public's use cases."""
