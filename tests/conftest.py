"""Fixtures: an app on a clean database (SQLite, or PostgreSQL when
HIRING_TEST_DATABASE_URL is set), a client, a CLI runner, users and a live server."""

import contextlib
import os
import threading
import time
from collections.abc import Iterator

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, inspect, select, text
from werkzeug.serving import make_server

from hiring import create_app
from hiring.api import tokens as api_tokens
from hiring.auth.models import Role, User
from hiring.auth.operations import create_user
from hiring.extensions import db, limiter, utcnow
from hiring.interviews import applications, attachments
from hiring.interviews.models import Candidate
from hiring.interviews.operations import schedule
from hiring.kits import operations as kit_ops
from hiring.openings import operations as opening_ops
from hiring.openings.models import Opening, OpeningStatus
from hiring.questions.models import Competency, Question, Tier
from hiring.questions.operations import upsert_question
from hiring.questions.parsing import QuestionData, TierData
from hiring.webhooks import WebhookDelivery, WebhookEndpoint

PG_URL = os.environ.get("HIRING_TEST_DATABASE_URL", "")
CHROMIUM = "/usr/bin/chromium"


def _base_config(uri: str, instance: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Each test's limits start afresh (one test shares a file between two apps).
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap hashes: the parameters are not what the tests are about.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "INSTANCE_PATH": instance,
        # Tasks run at once, in the code that queues them: an export is laid out in its
        # request, mail is sent after its commit. The queue and its workers have tests of
        # their own (test_tasks, test_documents_store).
        "TASKS_IMMEDIATE": True,
        # Renders ahead of a change are tested on their own: elsewhere they would only add
        # work to every submission.
        "PREPARE_DOCUMENTS": False,
    }


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    if PG_URL:
        from hiring.config import database_uri as normalise

        uri = normalise(PG_URL, "")
        engine = create_engine(uri)
        try:  # CI sets the URL: an unreachable server fails the run, never skips it
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
        return uri
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("instance"))


APP_DATABASE = (
    "HIRING_TEST_DATABASE_URL points at a database the app has been migrated on (it holds "
    "alembic_version): the tests would empty and drop its tables. Give the tests a "
    "database of their own."
)


@pytest.fixture(scope="session", autouse=True)
def _one_engine_per_database() -> Iterator[None]:
    """Every test makes an app of its own, and Flask-SQLAlchemy an engine for each; an
    engine keeps the SQL it compiled, so a new one per test compiled every statement again
    (a fifth of a typical test's time). Apps with the same database options share one
    engine; each test still ends by disposing of its connections."""
    engines: dict[str, object] = {}
    make = type(db)._make_engine

    def shared(self, bind_key, options, app):
        key = repr(sorted(options.items(), key=lambda item: item[0]))
        if key not in engines:
            engines[key] = make(self, bind_key, options, app)
        return engines[key]

    type(db)._make_engine = shared
    yield
    type(db)._make_engine = make
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="session")
def _schema(database_uri, instance_dir) -> Iterator[None]:
    app = create_app(_base_config(database_uri, instance_dir))
    with app.app_context():
        if "alembic_version" in inspect(db.engine).get_table_names():
            db.engine.dispose()
            pytest.exit(APP_DATABASE, returncode=4)
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes every table and
    # index anew (on PostgreSQL 83 ms a test against 29). Ids start again from 1 on both.
    if db.engine.dialect.name != "postgresql":
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        return
    # On PostgreSQL in one round trip (psycopg runs several statements sent without
    # parameters): a hundred sent one by one took 27 ms of a test's teardown, together 11.
    sequences = db.session.scalars(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
    ).all()
    statements = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
    statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
    db.session.connection().exec_driver_sql("; ".join(statements))
    db.session.commit()


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once for the whole run, not once per test's app: compiling
    them was a quarter of a typical test's time. Keyed by name and source checksum, so
    an edited template is compiled again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _CompiledTemplates()


@pytest.fixture
def config_overrides() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(_schema, database_uri, instance_dir, config_overrides, tmp_path):
    cfg = _base_config(database_uri, instance_dir) | {
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "QUEUE_PATH": str(tmp_path / "queue.db"),
    }
    cfg |= config_overrides
    # The limiter is one object for every app of the process, and Flask-Limiter keeps
    # "the storage is down" on it, not on the app: after a test with unreachable storage,
    # a later test would count in the fallback until a timed health check switched back
    # mid-test, losing its counts (a sign-in limit test failed 1 run in 8 that way).
    limiter._storage_dead = False
    app = create_app(cfg)
    app.jinja_env.bytecode_cache = TEMPLATES
    yield app
    assert app.extensions.get("task_errors", []) == [], "a task failed"
    with app.app_context():
        db.session.rollback()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def session_of(user: User) -> dict:
    """What a session holds for `user` just after signing in."""
    now = time.time()
    return {"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now, "seen_at": now}


class Login:
    """Sign a test client in as a user without a password round trip."""

    def __init__(self, client):
        self.client = client

    def __call__(self, user: User | None):
        with self.client.session_transaction() as sess:
            sess.clear()
            if user is not None:
                sess.update(session_of(user))
        return self.client


@pytest.fixture
def login(client):
    return Login(client)


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(
        role: Role = Role.INTERVIEWER,
        email: str | None = None,
        name: str | None = None,
        password: str = "correct horse battery",
        active: bool = True,
    ) -> User:
        n = next(counter)
        with app.app_context():
            user = create_user(
                email or f"{role.value}{n}@example.com", name or f"{role.label} {n}", role, password
            )
            user.active = active
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def users(make_user) -> dict[str, User]:
    return {
        "admin": make_user(Role.ADMIN),
        "manager": make_user(Role.MANAGER),
        "interviewer": make_user(Role.INTERVIEWER),
    }


class Served:
    """WSGI middleware that lets a test's end wait for the requests being answered and
    turns away any that come later. A page closed at the end of a test still sends what it
    had unsaved (the scorecard saves when hidden), on a connection the server keeps open
    after it stops accepting new ones; a request answered while the database is emptied
    and its pool disposed, or after, leaves its connection to the garbage collector.
    A request is done with the database when the app returns (Flask ends the request's
    context before the body is sent, and no response here is streamed)."""

    def __init__(self, app):
        self.app = app
        self.running = 0
        self.closed = False
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            if self.closed:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test is over.\n"]
            self.running += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.running -= 1
                self.changed.notify_all()

    def close(self, timeout: float) -> bool:
        """Turn away new requests; True once none is running (False after `timeout`)."""
        with self.changed:
            self.closed = True
            return self.changed.wait_for(lambda: self.running == 0, timeout)


@pytest.fixture
def live_server(app):
    """The app served from a thread, so the test sees the same database."""
    served = Served(app)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    assert served.close(30), "a request was still being answered 30 s after the test"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


class World:
    """One of each kind of object, and URLs to every route built from their ids."""

    def __init__(self, app, ids: dict[str, int]):
        self.app = app
        self.ids = ids

    def url_for(self, endpoint: str, **overrides) -> str:
        from flask import url_for

        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == endpoint)
        fixed = rule.defaults or {}
        values = {name: self.ids[name] for name in rule.arguments if name not in fixed}
        values |= overrides
        with self.app.test_request_context():
            return url_for(endpoint, **values)


@pytest.fixture
def make_question(app):
    """Create a question through the bank's own operation; returns its id."""
    counter = iter(range(1, 100_000))

    def make(prompt: str | None = None, **fields) -> int:
        n = next(counter)
        data = QuestionData(
            prompt=prompt or f"Question number {n}?",
            level=fields.pop("level", "intermediate"),
            role_family=fields.pop("role_family", "Software engineer"),
            tags=fields.pop("tags", ["sample"]),
            tiers=fields.pop(
                "tiers",
                {
                    Tier.BASIC: TierData(f"Basic answer {n}", None),
                    Tier.SOLID: TierData(f"Solid answer {n}", f"Solid because {n}"),
                    Tier.EXCEPTIONAL: TierData(f"Exceptional answer {n}", f"Best because {n}"),
                },
            ),
            prep_tips=fields.pop("prep_tips", [f"Tip one {n}", f"Tip two {n}"]),
            competencies=fields.pop("competencies", ["Problem solving", "Communication"]),
            **fields,
        )
        with app.app_context():
            question, _ = upsert_question(data)
            db.session.commit()
            return question.id

    return make


@pytest.fixture
def world(app, make_user, make_question) -> World:
    other = make_user(Role.INTERVIEWER, email="other@example.com")
    question_id = make_question("A question everyone can see?")
    with app.app_context():
        competency_id = db.session.scalar(select(Competency.id).order_by(Competency.id))
        kit = kit_ops.create_kit("World kit", "Any role")
        version = kit.versions[0]
        item = kit_ops.add_question(
            version, version.sections[1], db.session.get(Question, question_id)
        )
        kit_ops.rate_suggested(version)
        kit_ops.publish(version)
        candidate = Candidate(name="World candidate")
        db.session.add(candidate)
        manager = create_user("world-manager@example.com", "World manager", Role.MANAGER, "pw")
        opening = world_opening(version, manager)
        application = applications.apply(candidate, opening, manager)
        document = attachments.attach(application, "cv", "cv.txt", b"World CV", manager, 1024)
        planned = opening.stages[0].interviews[0]
        interview = schedule(
            candidate,
            version,
            utcnow(),
            [db.session.get(User, other.id)],
            application=application,
            planned=planned,
        )
        token, _ = api_tokens.create("World sync", ["openings:read"], 30, world_admin())
        endpoint = WebhookEndpoint(
            url="https://192.0.2.1/in", events=["scorecard.submitted"], secret="whsec_x"
        )
        db.session.add(endpoint)
        db.session.flush()
        # Given up already; resent from the table, it goes nowhere (a documentation address).
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            message_id="msg_world",
            event="scorecard.submitted",
            payload="{}",
            gave_up_at=utcnow(),
        )
        db.session.add(delivery)
        db.session.commit()
        ids = {
            "token_id": token.id,
            "endpoint_id": endpoint.id,
            "delivery_id": delivery.id,
            "candidate_id": candidate.id,
            "scorecard_id": interview.scorecards[0].id,
            "interview_id": interview.id,
            "kit_id": kit.id,
            "number": version.number,
            "section_id": version.sections[0].id,
            "item_id": item.id,
            "kc_id": version.competencies[0].id,
            "which": "overdue",
            "opening_id": opening.id,
            "stage_id": planned.stage_id,
            "planned_id": planned.id,
            "attribute_id": opening.attributes[0].id,
            "application_id": application.id,
            "document_id": document.id,
        }
    return World(
        app,
        {"user_id": other.id, "question_id": question_id, "competency_id": competency_id} | ids,
    )


def world_admin() -> User:
    """The admin who made the world's service token (not one a test signs in as)."""
    admin = create_user("world-admin@example.com", "World admin", Role.ADMIN, "pw")
    db.session.flush()
    return admin


def world_opening(version, manager) -> Opening:
    """An open opening over a published kit version: every competency the kit rates a
    must-have attribute, one stage of one planned interview focused on them all."""
    opening = opening_ops.create(title="World opening", user=manager)
    attributes = [
        opening_ops.add_attribute(opening, opening.version, kc.competency, "Skills", True)
        for kc in version.competencies
    ]
    stage = opening_ops.add_stage(opening, opening.version, "Interview")
    opening_ops.add_planned(
        stage,
        opening.version,
        title="The interview",
        kit_version=version,
        duration=None,
        panel_size=1,
        focus=attributes,
    )
    opening_ops.set_status(opening, opening.version, OpeningStatus.OPEN, open_anyway=True)
    return opening


@pytest.fixture
def plan_kit(app, make_question):
    """A published kit rating four competencies (two questions each suggesting two)."""
    ids = [
        make_question("Opening kit question A?", competencies=["Design", "Testing"]),
        make_question("Opening kit question B?", competencies=["Teamwork", "Writing"]),
    ]
    with app.app_context():
        from tests.scoring import publish_kit

        version = publish_kit("Opening kit", ids)
        db.session.commit()
        return version.id


@pytest.fixture
def hiring_manager(make_user):
    return make_user(Role.MANAGER, name="Hana Manager")


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []
        self.parameters: list = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)
        self.parameters.append(parameters)

    @property
    def count(self) -> int:
        return len(self.statements)


def queries_of_page(client, count_queries, url: str) -> int:
    """How many SQL statements a GET of `url` runs, once warm (the first request loads
    what every request shares); it must answer 200."""
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, url
    return counter.count


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and CSP violations seen by the page; a test asserts it stays empty."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def live_scorecard(app, live_server, users, make_question):
    """The interviewer's scorecard on a three-question panel, and its address on the live
    server: (panel, scorecard id, URL)."""
    from tests.scoring import make_panel

    panel = make_panel(app, make_question, [users["interviewer"]], questions=3)
    sid = panel.scorecards[users["interviewer"].id]
    return panel, sid, f"{live_server}/scorecards/{sid}"


@pytest.fixture
def signed_in(page, live_server, users):
    """The browser page, signed in as the interviewer."""
    from tests.browser import sign_in

    sign_in(page, live_server, users["interviewer"].email)
    return page
