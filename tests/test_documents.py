"""The document store: one render per document however it is asked for, renders queued
by the changes that make a document stale, and the old file cache's bugs, each as a test:
no empty PDF served when a rendering goes while it is read, pruning that never fails a
render, renders on two hosts that never wait for one another, a render finishing after
its candidate's deletion that keeps nothing, and another database's document never
served."""

import io
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from hiring import create_app
from hiring.auth.models import Role, User
from hiring.documents import kinds
from hiring.documents import operations as ops
from hiring.documents.kinds import Spec, build
from hiring.documents.models import State, StoredDocument
from hiring.documents.tasks import make
from hiring.extensions import db, utcnow
from hiring.interviews import operations as interview_ops
from hiring.interviews.models import Candidate, Interview, Scorecard
from hiring.scorecards import operations as scorecard_ops
from hiring.tasks import QueueWorker
from tests.conftest import _base_config
from tests.scoring import complete, make_panel
from tests.test_tasks import queued, run_queued

QUEUED = {"TASKS_IMMEDIATE": False}


@pytest.fixture
def panel(app, make_question, users, make_user):
    users["colleague"] = make_user(Role.INTERVIEWER, name="Colleague")
    return make_panel(app, make_question, [users["interviewer"], users["colleague"]])


def submit(client, login, user, panel):
    login(user)
    sid = panel.scorecards[user.id]
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    return sid


@pytest.fixture
def worker_alive(app):
    """A worker says it is alive: exports queue their renders instead of laying out."""
    with app.app_context():
        db.session.add(QueueWorker(name="test worker"))
        db.session.commit()


def rows(app, **where) -> list[StoredDocument]:
    with app.app_context():
        found = db.session.scalars(select(StoredDocument).filter_by(**where)).all()
        db.session.expunge_all()
        return found


def text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("config_overrides", [QUEUED])
def test_an_export_queues_one_render_however_often_it_is_polled(
    app, client, login, users, panel, worker_alive, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    run_queued(app)  # the figures' refresh
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    first = client.get(url)
    assert first.status_code == 202 and "Preparing the candidate packet" in first.text
    for _ in range(10):
        assert client.get(f"{url}?progress=1").get_json()["state"] == "queued"
        assert client.get(url).status_code == 202
    assert queued(app) == 1
    assert run_queued(app) == 1
    assert client.get(f"{url}?progress=1").get_json()["state"] == "ready"
    done = client.get(url)
    assert done.status_code == 200 and done.mimetype == "application/pdf"
    assert "Casey Candidate" in text_of(done.data)
    assert [r.state for r in rows(app, kind="packet")] == [State.READY]
    assert queued(app) == 0


@pytest.mark.parametrize("config_overrides", [QUEUED | {"PREPARE_DOCUMENTS": True}])
def test_a_submission_prepares_the_packet_and_a_ready_one_is_sent_without_layout(
    app, client, login, users, panel, worker_alive, config_overrides, count_queries, monkeypatch
):
    submit(client, login, users["interviewer"], panel)
    run_queued(app)
    assert {r.kind for r in rows(app, state=State.READY)} >= {"packet", "scorecard"}

    def no_layout(*args, **kwargs):
        raise AssertionError("laid out again")

    monkeypatch.setattr(kinds, "render_pdf", no_layout)
    login(users["manager"])
    with count_queries() as counter:
        response = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert response.status_code == 200
    # Telling that the packet is ready reads no note or rating.
    assert not [s for s in counter.statements if "item_notes" in s or "FROM ratings" in s]


@pytest.mark.parametrize("config_overrides", [QUEUED | {"PREPARE_DOCUMENTS": True}])
def test_every_change_to_what_a_packet_shows_queues_its_render(
    app, client, login, users, panel, worker_alive, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    run_queued(app)

    def key() -> str:
        with app.test_request_context():
            try:
                return build(Spec("packet", panel.candidate_id, "UTC")).key
            except kinds.Unavailable as error:  # no interview left to show
                return str(error)

    def after(change) -> None:
        before = key()
        with app.test_request_context():
            change()
            db.session.commit()
        assert key() != before, change.__name__
        assert queued(app) >= 1, change.__name__
        run_queued(app)

    def withdraw():
        scorecard_ops.withdraw(db.session.get(Scorecard, panel.scorecards[users["colleague"].id]))

    def rename():
        candidate = db.session.get(Candidate, panel.candidate_id)
        interview_ops.save_candidate(
            candidate, name="Casey Renamed", email="", role="Support", source="", notes=""
        )

    def cancel():
        interview_ops.cancel(db.session.get(Interview, panel.interview_id), "Moved")

    def restore():
        interview_ops.restore(db.session.get(Interview, panel.interview_id))

    def add_to_panel():
        interview_ops.add_panelist(
            db.session.get(Interview, panel.interview_id), db.session.get(User, users["manager"].id)
        )

    for change in (withdraw, rename, cancel, restore, add_to_panel):
        after(change)


def ready_packet(app, client, login, users, panel) -> str:
    submit(client, login, users["interviewer"], panel)
    login(users["manager"])
    assert client.get(f"/candidates/{panel.candidate_id}/packet.pdf").status_code == 200
    (row,) = rows(app, kind="packet")
    return row.key


def test_a_rendering_that_goes_while_it_is_read_is_made_again_never_sent_empty(
    app, client, login, users, panel, monkeypatch
):
    ready_packet(app, client, login, users, panel)
    read = ops.data_of

    def pruned_first(key, read_at=None):
        db.session.execute(StoredDocument.__table__.delete())
        return read(key, read_at)

    monkeypatch.setattr(ops, "data_of", pruned_first)
    response = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    monkeypatch.undo()
    assert response.status_code == 202  # made again: the page follows it
    again = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert again.status_code == 200 and again.data.startswith(b"%PDF") and len(again.data) > 5000


def test_pruning_never_fails_a_render_in_progress(app, users, panel, client, login):
    submit(client, login, users["interviewer"], panel)
    app.config["DOCUMENTS_MAX_BYTES"] = 0  # everything ready may go
    with app.test_request_context():
        document = build(Spec("packet", panel.candidate_id, "UTC"))
        ops.ask(document)
        assert ops.claim(document.key)
        db.session.commit()
        ops.prune()
        db.session.commit()
        assert ops.keep(document.key, document.render())
        db.session.commit()
        assert ops.find(document.key).state is State.READY


def test_two_hosts_lay_out_two_documents_at_once(
    app, users, panel, client, login, database_uri, tmp_path, monkeypatch
):
    """Nothing is shared between hosts but the database: no lock makes one wait."""
    submit(client, login, users["interviewer"], panel)
    both = threading.Barrier(2, timeout=30)
    render = kinds.render_pdf

    def meeting(*args, **kwargs):
        both.wait()  # each waits until the other is laying out too
        return render(*args, **kwargs)

    monkeypatch.setattr(kinds, "render_pdf", meeting)
    other = create_app(
        _base_config(database_uri, str(tmp_path / "other-host"))
        | {"QUEUE_PATH": str(tmp_path / "other-queue.db")}
    )
    specs = [(app, Spec("packet", panel.candidate_id, "UTC")), (other, Spec("guide", 1, "UTC"))]
    errors = []

    def lay_out(host, spec):
        try:
            with host.test_request_context():
                assert make(spec) is None
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=lay_out, args=pair) for pair in specs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with other.app_context():
        db.engine.dispose()
    assert errors == []
    assert sorted(r.kind for r in rows(app, state=State.READY)) == ["guide", "packet"]


def test_a_render_that_ends_after_its_candidates_deletion_keeps_nothing(
    app, users, panel, client, login
):
    submit(client, login, users["interviewer"], panel)
    with app.test_request_context():
        document = build(Spec("packet", panel.candidate_id, "UTC"))
        ops.ask(document)
        assert ops.claim(document.key)
        db.session.commit()
        data = document.render()
    with app.app_context():
        interview_ops.delete_candidate(db.session.get(Candidate, panel.candidate_id))
        db.session.commit()
    with app.app_context():
        assert not ops.keep(document.key, data)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(StoredDocument)) == 0
        # Nor can a late render add a row for the deleted candidate.
        assert not ops.ask(document)


def test_another_database_never_serves_this_ones_document(
    app, users, panel, client, login, tmp_path, make_question
):
    """Pointing a checkout at another database (or restoring a backup) shows that
    database's data: the documents live in it."""
    ready_packet(app, client, login, users, panel)
    other = create_app(
        _base_config(f"sqlite:///{tmp_path / 'other.db'}", app.instance_path)
        | {"QUEUE_PATH": app.config["QUEUE_PATH"]}
    )
    with other.app_context():
        db.create_all()
        assert db.session.scalar(select(func.count()).select_from(StoredDocument)) == 0
        db.drop_all()
        db.engine.dispose()


def test_a_packet_embeds_its_fonts_once(app, client, login, users, panel):
    submit(client, login, users["interviewer"], panel)
    submit(client, login, users["colleague"], panel)
    login(users["manager"])
    data = client.get(f"/candidates/{panel.candidate_id}/packet.pdf?guide=1").data
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None:
                fonts.add(descriptor.get_object()["/FontName"])
    # Inter's regular, italic, semi-bold and bold, each once, on every page alike.
    assert len(reader.pages) >= 4 and len(fonts) <= 4, fonts


@pytest.mark.parametrize("config_overrides", [{"DOCUMENTS_KEEP_DAYS": 1}])
def test_the_store_keeps_within_its_size_and_age(
    app, users, panel, client, login, config_overrides
):
    key = ready_packet(app, client, login, users, panel)
    with app.app_context():
        assert ops.prune() == 0
        db.session.get(StoredDocument, key).read_at = utcnow().replace(year=2020)
        db.session.commit()
        assert ops.prune() == 1
        db.session.commit()
