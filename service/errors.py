"""The one kind of error a service raises for a person to fix."""

from __future__ import annotations


class FieldError(ValueError):
    """A problem the user can fix, with the name of the form field it belongs to.

    Services raise it; views put ``message`` next to ``field`` on the form, so the user sees what to
    change beside the box they typed in, and nothing they typed is lost.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
