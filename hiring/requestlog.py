"""A request id for every request, and one log line per request."""

import logging
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user

log = logging.getLogger("hiring.requests")


def start() -> None:
    """Before each request: give it an id and note when it started."""
    g.request_id = uuid.uuid4().hex
    g.started = time.perf_counter()


def finish(response):
    """After each request: send its id back and log one line about it."""
    request_id = g.get("request_id", "")
    response.headers["X-Request-ID"] = request_id
    user = current_user.get_id().partition(":")[0] if current_user.is_authenticated else "-"
    log.info(
        "request_id=%s user=%s method=%s route=%s status=%s duration_ms=%.1f",
        request_id,
        user,
        request.method,
        request.url_rule.rule if request.url_rule else request.path[:200],
        response.status_code,
        (time.perf_counter() - g.get("started", time.perf_counter())) * 1000,
    )
    return response


def register(app: Flask) -> None:
    """Install the hooks; the log goes wherever the app's logging is configured."""
    app.before_request(start)
    app.after_request(finish)
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
