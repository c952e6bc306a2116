"""PDF scorecards, packets and kit guides, read back with pypdf."""

import io
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from hiring.auth.models import Role
from hiring.pdf import fetcher as static_fetcher
from tests.scoring import complete, make_panel


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    # pypdf returns ligatures (ﬁ): compare normalised text.
    pages = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]
    return reader, pages


@pytest.fixture
def panel(app, make_question, users, make_user):
    users["colleague"] = make_user(Role.INTERVIEWER, name="Colleague Cole")
    return make_panel(
        app, make_question, [users["interviewer"], users["colleague"]], candidate="Casey Candidate"
    )


def fill(client, login, user, panel, submit=True, **kw):
    login(user)
    sid = panel.scorecards[user.id]
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel, **kw)})
    if submit:
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    return sid


def get_pdf(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/pdf"
    assert r.headers["Cache-Control"] == "no-store"
    return r.data


def test_scorecard_pdf(client, login, users, panel):
    sid = fill(client, login, users["interviewer"], panel, value=4, recommendation="strong_yes")
    reader, pages = read(get_pdf(client, f"/scorecards/{sid}.pdf"))
    text = "\n".join(pages)
    assert "Casey Candidate" in text and "Skill 0" in text and "Skill 1" in text
    assert f"Notes on {panel.items[0]}" in text and "Said X, did Y." in text
    assert "4 / 4" in text and "Strong yes" in text
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page
        assert "Casey Candidate · Support" in page  # running header
        assert "Confidential" in page
        assert "DRAFT" not in page
    meta = reader.metadata
    assert meta.title == f"Scorecard: Casey Candidate, by {users['interviewer'].name}"
    assert meta.author == "Hiring team" and "Panel kit" in meta.subject
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_draft_is_marked_on_every_page(client, login, users, app, make_question):
    long = make_panel(
        app,
        make_question,
        [users["interviewer"]],
        questions=12,
        candidate="Long Lou",
        kit_title="Long kit",
    )
    login(users["interviewer"])
    sid = long.scorecards[users["interviewer"].id]
    notes = {f"item:{i}:notes": "A long answer. " * 120 for i in long.items}
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": notes})
    _, pages = read(get_pdf(client, f"/scorecards/{sid}.pdf"))
    assert len(pages) > 2
    assert all("DRAFT" in page.replace(" ", "") for page in pages), pages[-1][:300]


def test_packet(client, login, users, panel):
    fill(client, login, users["interviewer"], panel, value=1, recommendation="no")
    fill(client, login, users["colleague"], panel, value=4, recommendation="strong_yes")
    login(users["manager"])
    reader, pages = read(get_pdf(client, f"/candidates/{panel.candidate_id}/packet.pdf"))
    cover = pages[0]
    assert "CANDIDATE PACKET" in cover and "Casey Candidate" in cover
    assert "Panel kit, version 1" in cover
    assert "Interviewer" in cover and "Colleague Cole" in cover
    assert "SPLIT: RATED AT BOTH ENDS" in cover  # 1 against 4 on a 4-point scale
    assert "2 of 2 scorecards submitted" in cover and "pending" not in cover
    assert "No decision recorded yet" in cover
    assert "2.5" in cover and "1–4" in cover
    text = "\n".join(pages)
    assert text.count("SCORECARD · PANEL KIT") == 2
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page and "Casey Candidate · Support" in page
    assert reader.metadata.title == "Candidate packet: Casey Candidate"

    with_guide = read(get_pdf(client, f"/candidates/{panel.candidate_id}/packet.pdf?guide=1"))[1]
    assert len(with_guide) > len(pages)
    assert "INTERVIEW KIT GUIDE" in "\n".join(with_guide[len(pages) :])


def test_packet_without_submitted_scorecards_is_a_clear_message(client, login, users, panel):
    login(users["manager"])
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert r.status_code == 422
    assert "has no submitted scorecard yet" in r.get_data(as_text=True)


def test_kit_guide_pdf(app, client, login, users, panel):
    login(users["manager"])
    with app.app_context():
        from hiring.extensions import db
        from hiring.kits.models import KitVersion

        kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
    _, pages = read(get_pdf(client, f"/kits/{kit_id}/v/1/guide.pdf"))
    text = "\n".join(pages)
    for expected in (
        "INTERVIEW KIT GUIDE",
        "Panel kit question 0?",
        "BASIC",
        "SOLID",
        "Why solid:",
        "EXCEPTIONAL",
        "Below basic",
        "Skill 0",
        "Notes",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_amendment_invalidates_the_reused_rendering(client, login, users, panel):
    sid = fill(client, login, users["interviewer"], panel, recommendation="yes")
    first = "\n".join(read(get_pdf(client, f"/scorecards/{sid}.pdf"))[1])
    assert "Yes" in first and "Strong no" not in first
    client.post(f"/scorecards/{sid}/amend", data={"reason": "Wrong candidate"})
    version = client.get(f"/scorecards/{sid}.json").get_json()["version"]
    client.post(
        f"/scorecards/{sid}/save",
        json={"base": version, "changes": {"recommendation": "strong_no"}},
    )
    client.post(f"/scorecards/{sid}/submit")
    again = "\n".join(read(get_pdf(client, f"/scorecards/{sid}.pdf"))[1])
    assert "Strong no" in again


class TestIndependence:
    def test_interviewer_who_has_not_submitted_cannot_export(self, client, login, users, panel):
        theirs = fill(client, login, users["colleague"], panel)
        login(users["interviewer"])
        assert client.get(f"/scorecards/{theirs}.pdf").status_code == 403
        assert client.get(f"/candidates/{panel.candidate_id}/packet.pdf").status_code == 403
        fill(client, login, users["interviewer"], panel)
        assert client.get(f"/scorecards/{theirs}.pdf").status_code == 200
        assert client.get(f"/candidates/{panel.candidate_id}/packet.pdf").status_code == 200

    def test_outsiders_cannot_read_guides(self, app, client, login, panel, make_user):
        login(make_user(Role.INTERVIEWER))
        with app.app_context():
            from hiring.extensions import db
            from hiring.kits.models import KitVersion

            kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
        assert client.get(f"/kits/{kit_id}/v/1/guide.pdf").status_code == 403


class Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        Recorder.seen.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


@pytest.fixture
def spy_server():
    Recorder.seen = []
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_malicious_text_is_text_and_fetches_nothing(
    app, client, login, users, make_question, spy_server, make_user
):
    port = spy_server
    attacks = [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        f'<span style="background: url(http://127.0.0.1:{port}/style)">x</span>',
        f'<img src="http://127.0.0.1:{port}/img">',
        "<script>alert(1)</script>",
    ]
    evil = " ".join(attacks)
    panel = make_panel(
        app,
        make_question,
        [users["interviewer"]],
        candidate=f"Eve {attacks[0]} {attacks[4]}",
        kit_title=f"Kit {attacks[4]}",
    )
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    changes = complete(panel) | {f"item:{panel.items[0]}:notes": evil, "summary": evil}
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": changes})
    client.post(f"/scorecards/{sid}/submit")
    login(users["manager"])
    for url in (f"/scorecards/{sid}.pdf", f"/candidates/{panel.candidate_id}/packet.pdf?guide=1"):
        reader, pages = read(get_pdf(client, url))
        text = "".join("\n".join(pages).split())
        for attack in attacks:
            assert "".join(attack.split()) in text, attack
        assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
        assert "root:x:0:0" not in text
    assert Recorder.seen == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x",
        "https://example.com/static/css/pdf.css",
        "https://pdf.invalid/static/../hiring/config.py",
        "https://pdf.invalid/static/%2e%2e/pyproject.toml",
        "https://pdf.invalid/etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(app, url):
    fetcher = static_fetcher(app.static_folder)
    with pytest.raises(ValueError, match="fetches only the app's static files|disallowed"):
        fetcher.fetch(url)


def test_the_fetcher_serves_static_files_and_data(app):
    fetcher = static_fetcher(app.static_folder)
    font = fetcher.fetch("https://pdf.invalid/static/fonts/Inter-Regular.otf")
    assert font.read()[:4] == b"OTTO"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


@pytest.mark.parametrize("config_overrides", [{"PDF_MAX_PAGES": 1}])
def test_render_limits_give_a_clear_message(client, login, users, panel, config_overrides):
    fill(client, login, users["interviewer"], panel)
    login(users["manager"])
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf?guide=1")
    assert r.status_code == 422
    assert "more than the limit of 1" in r.get_data(as_text=True)


def test_cli_exports(app, runner, client, login, users, panel, tmp_path):
    fill(client, login, users["interviewer"], panel)
    sid = panel.scorecards[users["interviewer"].id]
    result = runner.invoke(
        args=["export-pdf", "scorecard", str(sid), "--out", str(tmp_path / "s.pdf")]
    )
    assert result.exit_code == 0, result.output
    assert "Casey Candidate" in read((tmp_path / "s.pdf").read_bytes())[1][0]
    with app.app_context():
        from hiring.extensions import db
        from hiring.kits.models import KitVersion

        kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
    result = runner.invoke(
        args=["export-pdf", "kit", str(kit_id), "--version", "1", "--out", str(tmp_path / "k.pdf")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["export-pdf", "kit", str(kit_id), "--version", "9", "--out", str(tmp_path / "k.pdf")]
    )
    assert result.exit_code != 0 and "has no version 9" in result.output
    result = runner.invoke(args=["export-packets", "--out", str(tmp_path / "packets")])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 packet(s)" in result.output
    packet = tmp_path / "packets" / f"packet-{panel.candidate_id}.pdf"
    assert "CANDIDATE PACKET" in read(packet.read_bytes())[1][0]
    result = runner.invoke(
        args=["export-packets", "--candidate", "999", "--out", str(tmp_path / "none")]
    )
    assert result.exit_code != 0 and "no candidate has a submitted scorecard" in result.output


@pytest.mark.parametrize(
    "config_overrides, size", [({"PAPER_SIZE": "Letter"}, (612, 792)), ({}, (595, 842))]
)
def test_paper_size_is_a_setting(client, login, users, panel, config_overrides, size):
    sid = fill(client, login, users["interviewer"], panel)
    reader, _ = read(get_pdf(client, f"/scorecards/{sid}.pdf"))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_the_demo_packet_has_no_near_empty_page(app, runner, client):
    """The repro: a 6-page packet whose pages 2 and 4 held one table row or one question.
    On the demo's fullest candidate (three scorecards of a four-question kit), every
    scorecard fits its page, a table's rows stay together, and no page is near-empty; the
    anchor has its own column, beside the evidence; an answer with no tier leaves nothing
    dangling."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    client.post("/login", data={"email": "admin@example.com", "password": "demo-admin-pass"})
    with app.app_context():
        from sqlalchemy import select

        from hiring.extensions import db
        from hiring.interviews.models import Candidate

        priya = db.session.scalar(select(Candidate.id).where(Candidate.name == "Priya Raman"))
    _, pages = read(get_pdf(client, f"/candidates/{priya}/packet.pdf"))
    # The cover (decision, recommendations, ratings) and one page per scorecard.
    assert len(pages) <= 5, [len(p) for p in pages]
    lines = [[line for line in page.splitlines() if line.strip()] for page in pages]
    # Besides the running header and footer, every page holds a real share of text.
    assert min(len(page) for page in lines) >= 12, [len(page) for page in lines]
    text = "\n".join(pages)
    assert text.count("WHAT THE POINT MEANS") == 3 or text.count("What the point means") == 3
    assert "Questions ·" not in text
    assert "Resembled solid" in text or "RESEMBLED SOLID" in text
