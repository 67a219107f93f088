"""Operator commands, ``flask --app worker <group> <command>``, each with a ``--help``."""
