"""Domain errors: values that the API turns into 4xx JSON and the CLI into one line."""


class DomainError(Exception):
    """A refused request or action, with a stable code and a readable detail."""

    code = "invalid"
    status = 400

    def __init__(self, detail: str, *, code: str | None = None, status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
