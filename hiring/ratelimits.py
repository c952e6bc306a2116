"""Where sign-in limits count by default: a SQLite file in the instance folder, shared by
every worker of the host with no server to run. Each web worker counting in its own
memory multiplied the per-account limit by the number of workers (with two, the right
password got through after three refusals, where five was the limit for all).

A `limits` storage for the fixed-window strategy (the one this app uses): each key's count
and when its window ends, incremented in one IMMEDIATE transaction, so two workers never
lose an attempt. Several hosts share Redis instead (HIRING_RATELIMIT_STORAGE_URI).
"""

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from limits.storage import Storage

SCHEME = "sqlite-limits"


def uri_for(instance_path: str) -> str:
    return f"{SCHEME}://{Path(instance_path) / 'limits.db'}"


class SqliteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = (uri or "").split("://", 1)[1]
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS counts "
                "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, ends REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT count, ends FROM counts WHERE key = ?", (key,)).fetchone()
                count, ends = (
                    (amount, now + expiry)
                    if not row or row[1] <= now
                    else (
                        row[0] + amount,
                        row[1],
                    )
                )
                db.execute(
                    "INSERT INTO counts (key, count, ends) VALUES (?, ?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET count = excluded.count, ends = excluded.ends",
                    (key, count, ends),
                )
                # Windows long over are forgotten as others are counted: the file stays small.
                db.execute("DELETE FROM counts WHERE ends < ?", (now - 3600,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return count

    def _row(self, key: str):
        with closing(self._connect()) as db:
            row = db.execute("SELECT count, ends FROM counts WHERE key = ?", (key,)).fetchone()
        return row if row and row[1] > time.time() else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with closing(self._connect()) as db:
                db.execute("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with closing(self._connect()) as db:
            return db.execute("DELETE FROM counts").rowcount

    def clear(self, key: str) -> None:
        with closing(self._connect()) as db:
            db.execute("DELETE FROM counts WHERE key = ?", (key,))
