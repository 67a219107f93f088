"""What the portal serves to the public, neither candidate nor office: the verification
of the documents it issues (``/verifier/``)."""
