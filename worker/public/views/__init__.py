"""The public's blueprints."""
