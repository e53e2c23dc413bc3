"""One way for a service to say no.

Services take plain values and raise these; views turn them into a field error on the
form (`form.add_error(error.field, error.message)`), a message on the page, or a 409
with the current row. A `Conflict` carries what the caller lost against, so the view
can show both versions instead of overwriting.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal the user can act on: `message` is translated, `field` names the form field
    it belongs to (None for the whole form), `code` is stable for tests and JSON answers."""

    default_code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.code = code or self.default_code

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape views answer with."""
        return {"error": self.message, "field": self.field, "code": self.code}


class Conflict(ServiceError):
    """Someone else changed the row first; `current` is the row (or value) as it is now."""

    default_code = "conflict"

    def __init__(self, message: str, *, current: Any = None, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, field=field, code=code)
        self.current = current


class ServiceErrors(ServiceError):
    """Several refusals at once, each on its own field: a form's values checked as a whole
    (a meeting's kind, host, committee and time), so the person sees every problem in one
    go. Its own message, field and code are the first refusal's."""

    def __init__(self, errors: list[ServiceError]) -> None:
        if not errors:
            raise ValueError("ServiceErrors needs at least one refusal")
        first = errors[0]
        super().__init__(first.message, field=first.field, code=first.code)
        self.errors = list(errors)


def refusals(error: ServiceError) -> list[ServiceError]:
    """Each refusal an error carries: the several of a ServiceErrors, else the error itself."""
    return list(getattr(error, "errors", [error]))
