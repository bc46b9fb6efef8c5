"""The signing tests share the documents tests' LibreOffice pool: real PDF/A files to seal."""

from tests.documents.conftest import pool  # noqa: F401  (the fixture, made available here)
