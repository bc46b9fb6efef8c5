"""Jinja filters for UK-style display: dates as ``23 September 2007``, times as ``09:00``."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from service.rules.dates import UK, uk_date


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(UK)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def spreadsheet_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula: free text typed by anyone (a provider's note,
    a pupil's name) goes into files that LA officers open in Excel, so a leading ``=``, ``+``, ``-``, ``@``,
    tab or carriage return is escaped with an apostrophe (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def init_app(app: Flask) -> None:
    app.add_template_filter(uk_date)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(yes_no)
