"""Extensions, created unbound and bound to the app in create_app()."""

import enum
from datetime import UTC, datetime

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DDL, DateTime, Enum, MetaData, String, Text, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase

from hiring.text import clean

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class CleanString(TypeDecorator):
    """A string column that stores only what both databases can hold (see text.clean)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return clean(value) if isinstance(value, str) else value


class CleanText(CleanString):
    """A text column that stores only what both databases can hold (see text.clean)."""

    impl = Text
    cache_ok = True


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum stored as its values in a VARCHAR, with a CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Database objects kept by hand (search indexes and their triggers), which each feature
# names here: Alembic's comparison with the models leaves them out.
OUTSIDE_MODELS: list[str] = []


def kept_by_hand(table, *, sqlite=(), sqlite_drop=(), postgresql=(), postgresql_drop=()) -> None:
    """Make a table's hand-kept objects (search indexes, their triggers) with it, and drop
    them before it, each list on its own database: `create_all` as the migrations do."""
    for dialect, create, drop in (
        ("sqlite", sqlite, sqlite_drop),
        ("postgresql", postgresql, postgresql_drop),
    ):
        for statement in create:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
        for statement in drop:
            event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))


def not_in_models(name, type_, parent_names) -> bool:
    """Alembic's filter: objects named in OUTSIDE_MODELS live outside the models."""
    return not (name or "").startswith(tuple(OUTSIDE_MODELS))
