"""Files the worker keeps under FILES_DIR: candidates' uploads and generated documents.

``storage`` names them, writes them durably (through ``diskio``) and sweeps orphans;
``checks`` decides whether an uploaded file may be kept at all. What a file means (which
piece, which document) belongs to ``worker.store`` and ``worker.documents``.
"""
