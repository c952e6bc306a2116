"""An uploaded batch kept for a moment while the manager decides on competency matches,
so that the files need not be chosen again. One file per batch in the instance folder,
readable only by the user who uploaded it, gone after an hour or once imported."""

import base64
import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save(files: list[tuple[str, bytes]], user_id: int) -> str:
    _prune()
    token = secrets.token_urlsafe(18)
    payload = {
        "user": user_id,
        "files": [[name, base64.b64encode(raw).decode()] for name, raw in files],
    }
    (_folder() / f"{token}.json").write_text(json.dumps(payload))
    return token


def load(token: str, user_id: int) -> list[tuple[str, bytes]] | None:
    """The batch, when the token is well formed, fresh and the user's own."""
    if not _TOKEN.match(token or ""):
        return None
    path = _folder() / f"{token}.json"
    try:
        if time.time() - path.stat().st_mtime > KEEP_SECONDS:
            return None
        payload = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if payload.get("user") != user_id:
        return None
    return [(name, base64.b64decode(raw)) for name, raw in payload["files"]]


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        (_folder() / f"{token}.json").unlink(missing_ok=True)


def _prune() -> None:
    for path in _folder().glob("*.json"):
        try:
            if time.time() - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:
            pass
