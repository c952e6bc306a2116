"""The one error that operations raise: what went wrong, in words for the user."""

import enum
from dataclasses import dataclass, field


class Kind(enum.Enum):
    NOT_FOUND = 404
    FORBIDDEN = 403
    CONFLICT = 409
    INVALID = 422


@dataclass
class DomainError(Exception):
    """A request an operation cannot carry out; nothing it did is kept.

    `errors` holds messages by field; `data` what a client needs to recover (for a
    conflict, the stored values).
    """

    kind: Kind
    message: str
    errors: dict[str, str] = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def said(self) -> str:
        """The message with the field errors it does not already say, for a flash."""
        extra = [e for e in self.errors.values() if e.rstrip(".") not in self.message]
        return " ".join(dict.fromkeys([self.message, *extra]))
