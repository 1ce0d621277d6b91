"""Errors that carry a user-facing message in the user's language (see shopcrm.core.texts)."""

from __future__ import annotations

from collections.abc import Callable

from shopcrm.core.texts import CATALOGUE, t


class FieldError(ValueError):
    """A value of one field is unacceptable. ``message`` names the field and the reason."""

    def __init__(self, field: str, key: str, **params: object) -> None:
        self.field = field
        self.key = key
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        label_key = f"field.{self.field}"
        label = t(label_key) if label_key in CATALOGUE else self.field
        return t(self.key, field=label, **self.params)

    def __str__(self) -> str:
        return self.message


class ValidationError(ValueError):
    """Several field errors at once (a form or an import row)."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))

    def for_field(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)


class DuplicateError(FieldError):
    """A mobile or card number that another customer already has; ``other_id`` is that customer."""

    def __init__(self, field: str, key: str, other_id: int, **params: object) -> None:
        self.other_id = other_id
        super().__init__(field, key, **params)


class Cancelled(Exception):
    """The user cancelled a long operation; its transaction was rolled back."""


# Long operations (import, export, regrading, backup…) take ``progress: Progress | None``.
# It is called as ``progress(done, total)`` and returns False to ask for cancellation, after which
# the operation rolls back and raises Cancelled. ``shopcrm.ui.shell.tasks`` runs such a function in a
# worker thread behind a progress dialog with a Cancel button.
def check_progress(progress: Callable[[int, int], object] | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled()
