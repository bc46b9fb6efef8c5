"""Each health test starts with no converter trouble recorded: the instance folder is shared by the session's apps,
and the document tests' pools record their faults there (``service.documents.jobs.converter_events``)."""

from __future__ import annotations

import contextlib

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def no_converter_events(app: Flask) -> None:
    from service.documents.jobs import converter_events

    with contextlib.suppress(FileNotFoundError):
        converter_events().path.unlink()
