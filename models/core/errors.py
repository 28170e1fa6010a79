"""Exceptions that carry a Vietnamese message meant for the officer.

``UserError`` subclasses are shown as-is in dialogs and on stderr by the CLI; anything else is a bug
and is shown as a generic message with the details logged.
"""


class UserError(Exception):
    """An error the officer can understand and act on; ``str(exc)`` is Vietnamese."""


class SchemaTooNew(UserError):
    pass


class PermissionDenied(UserError):
    pass


class StaleEdit(UserError):
    """The record changed since it was opened (another desk saved it first)."""

    def __init__(self, message: str, changed: dict | None = None):
        super().__init__(message)
        self.changed = changed or {}


class Cancelled(Exception):
    """Raised inside a long operation when the officer pressed Cancel; rolls back the transaction."""
