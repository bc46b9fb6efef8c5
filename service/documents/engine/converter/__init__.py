"""DOCX → PDF conversion over a pool of warm LibreOffice instances (see pool.py and docs/converter.md)."""

from service.documents.engine.converter.pool import ConverterPool
from service.documents.engine.converter.settings import (
    ConversionFailed,
    PoolSettings,
    soffice_available,
    uno_python_available,
)

__all__ = ["ConversionFailed", "ConverterPool", "PoolSettings", "soffice_available", "uno_python_available"]
