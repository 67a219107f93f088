"""A real OpenID Connect provider for the FranceConnect tests (see provider.js)."""
