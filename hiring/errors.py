"""Error pages in the app's look, and JSON errors for JSON clients."""

from http import HTTPStatus

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from hiring.audit.operations import record
from hiring.domain import DomainError
from hiring.extensions import db
from hiring.security import wants_json

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in again.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "That action is not allowed here.",
    409: "Someone else changed this in the meantime.",
    413: "That upload is too large.",
    422: "Some fields need your attention.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side; it has been logged.",
}


def is_api() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str, errors: dict | None = None, **extra):
    """An error as problem details (RFC 9457), the API's one error shape."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body | extra)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def render_error(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, "Something went wrong.")
    if is_api():
        return problem(status, message)
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "This form has expired or was not sent by this site. Reload the page and try again.",
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        status = error.kind.value
        if is_api():
            return problem(status, error.message, error.errors or None)
        if wants_json():
            return jsonify(error=error.message, errors=error.errors, **error.data), status
        return render_error(status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            db.session.rollback()
            record(
                "access.refused",
                "route",
                None,
                endpoint=request.endpoint,
                method=request.method,
                path=request.path[:200],
            )
            db.session.commit()
        # A rate limit's own message says which limit and how long to wait; a refusal
        # given with its reason (abort(403, "...")) says why.
        own = error.description != type(error).description
        return render_error(error.code, error.description if error.code == 429 or own else None)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        request_id = g.get("request_id", "")
        # The traceback goes to the log only; the page names the request to look it up.
        app.logger.exception("unhandled error request_id=%s", request_id, exc_info=error)
        return render_error(
            InternalServerError.code,
            f"{MESSAGES[500]} Quote this reference if you report it: {request_id}.",
        )
