"""Errors the service answers with on purpose; mapped to responses once, in wsgi.py."""


class ServiceError(Exception):
    """An error with an HTTP status and a message that is safe to show to the client."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(ServiceError):
    status = 400


class Unauthorized(ServiceError):
    """A caller we do not believe (e.g. an event whose application_token does not match)."""
    status = 401


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Unavailable(ServiceError):
    status = 503
