"""API tokens: who calls the API, with which scopes, until when."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.auth.models import User
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow


class ApiToken(db.Model):
    """A bearer token. Personal: acts as its user, with the user's rules (their openings,
    independence). Service: made by an admin for another system; reads as an admin does.
    Only a digest of the secret is kept: it is shown once, when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(100))
    # The user it acts as; None: a service token.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # SHA-256 of the whole token: a token is random enough that no slow hash is needed.
    digest: Mapped[str] = mapped_column(CleanString(64), unique=True)
    # Its first characters, to tell tokens apart in lists and logs.
    prefix: Mapped[str] = mapped_column(CleanString(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r}>"

    @property
    def service(self) -> bool:
        return self.user_id is None

    def usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.service or (self.user is not None and self.user.active)


class IdempotentRequest(db.Model):
    """A create sent with an Idempotency-Key: its answer, replayed to a retry of it."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(CleanString(100))
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(CleanString(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(CleanText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
