"""The documents engine: Word templates filled in safely, checked on upload, converted to PDF/A.

It knows the types a document kind declares its fields with (``schema``), how to fill a template in with a
context under limits (``rendering``, ``render_pool``, ``render_worker``), how to check an uploaded template
(``upload_check``, ``field_check``, ``package_check``, ``sample_context``), the field reference
(``reference``), the attendance chart drawn into documents (``charts``) and the LibreOffice converter pool
(``converter``). It imports no feature and nothing of ``service.documents`` outside this package: the kinds
(``service.documents.kinds``) hand it their schemas, so a new kind never changes the engine.
"""
