"""Every PDF the portal issues, one module per document, all on the same layout.

Each document module holds its record (a plain frozen dataclass), ``build(...)`` from the
catalogue, the account and the application, and ``render(record) -> bytes``; the fixed
French texts of each document (regulatory notices, instructions, advice) are in
``templates/documents/<document>.toml``, so that a wording changes without touching code.

- ``confirmation``: the confirmation d'inscription (to return signed) and the
  récapitulatif d'inscription of the G02 model (to keep);
- ``pieces_request``: the demande de pièces justificatives;
- ``notice``: the convocations and notifications an exam office publishes;
- ``slips``: the login slips (papillons de connexion) of enrolled pupils.

Each ``render`` hands its record's values to its Typst layout, ``typ/<document>.typ`` on
the shared ``typ/layout.typ``: tagged PDF/UA-1 in French (structure tree in reading order,
page furniture as artifacts). Shared by them: ``layout`` (the Typst compiler, the heading
values every document prints), ``verification`` (the code and QR code block printed at
the end of a document), ``formatting`` (text, dates, names), ``records`` (the exam office and
the candidate's identity, from the catalogue and the account), ``texts`` (the templates'
loader). ``issuing`` renders a document with its verification code and writes it durably
under FILES_DIR with no lock held (``prepare``), then records its row and SHA-256 in the
caller's short transaction (``record``), or deletes the file (``discard``).

Layers: this package reads ``catalog``, ``worker.rules``, ``worker.store``,
``worker.files``, ``worker.refdata`` and ``worker.clock``; never the web, the candidate or
office views, the forms or the mail.
"""
