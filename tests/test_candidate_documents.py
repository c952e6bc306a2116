"""A candidate's documents: what a file is comes from its bytes; a PDF is rewritten
without what can act; documents are only downloaded, by readers of the application; the
packet appends the PDFs after a divider; deleting the candidate deletes them."""

import io
import zipfile

import pikepdf
import pytest
from pikepdf import Dictionary, Name
from pypdf import PdfReader
from sqlalchemy import func, select

from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews.models import Application, Candidate, CandidateDocument
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from hiring.scorecards import operations as scorecard_ops
from tests.openings import opened


def cv_pdf(text: str = "Curriculum of Robin", armed: bool = True, password: str = "") -> bytes:
    """A one-page PDF saying `text`; armed, it also carries what a rewrite must drop: an
    open action, document JavaScript, a form, an embedded file, a page action, a
    JavaScript link; and a plain web link, which stays."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page.Resources = Dictionary(Font=Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    if armed:
        script = Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('hi')"))
        pdf.Root.OpenAction = script
        pdf.Root.Names = Dictionary(
            JavaScript=Dictionary(Names=pikepdf.Array([pikepdf.String("a"), script])),
            EmbeddedFiles=Dictionary(Names=pikepdf.Array([])),
        )
        pdf.Root.AcroForm = Dictionary(Fields=pikepdf.Array([]))
        page.obj.AA = Dictionary(O=script)
        page.obj.Annots = pikepdf.Array(
            [
                Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], A=script),
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=[0, 20, 10, 30],
                    A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.com/robin")),
                ),
            ]
        )
    out = io.BytesIO()
    if password:
        pdf.save(out, encryption=pikepdf.Encryption(owner=password, user=password))
    else:
        pdf.save(out)
    return out.getvalue()


def office(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
ODT = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}


@pytest.fixture
def application_id(app, plan_kit, hiring_manager):
    with app.app_context():
        opening = db.session.get(Opening, opened(plan_kit, hiring_manager.id))
        application = applications.apply(Candidate(name="Robin Reyes"), opening)
        db.session.commit()
        return application.id


def attach(client, application_id, name, data, kind="cv"):
    return client.post(
        f"/applications/{application_id}/documents",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)


def stored(app) -> list[CandidateDocument]:
    with app.app_context():
        rows = db.session.scalars(select(CandidateDocument).order_by(CandidateDocument.id)).all()
        for row in rows:
            row.data  # noqa: B018  loaded before the session ends
            db.session.expunge(row)
        return rows


def test_a_pdf_is_kept_without_what_can_act(app, client, login, hiring_manager, application_id):
    login(hiring_manager)
    page = attach(client, application_id, "Robin CV.pdf", cv_pdf())
    assert "Attached Robin CV.pdf (CV)." in page
    (document,) = stored(app)
    assert (document.media_type, document.pages) == ("application/pdf", 1)
    with pikepdf.open(io.BytesIO(document.data)) as pdf:
        for key in ("/OpenAction", "/Names", "/AcroForm"):
            assert key not in pdf.Root
        assert "/AA" not in pdf.pages[0].obj
        (link,) = pdf.pages[0].obj.Annots
        assert str(link.A.URI) == "https://example.com/robin"
    assert b"app.alert" not in document.data
    # Downloaded, never shown in the app's origin.
    response = client.get(f"/candidate-documents/{document.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data == document.data
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Curriculum of Robin" in text


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("cv.pdf", b"", "The file is empty."),
        ("cv.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Attach a PDF, a Word"),
        ("cv.docx", cv_pdf(armed=False), "ends in “.docx” but it holds a PDF"),
        ("cv.pdf", b"%PDF-1.7 this is not a PDF", "The PDF cannot be read"),
        ("cv.pdf", cv_pdf(password="secret"), "password-protected"),
        ("cv.docx", office({**DOCX, "word/vbaProject.bin": b"x"}), "holds macros"),
        ("cv.docx", b"PK\x03\x04 broken", "damaged archive"),
        ("cv.zip", office({"a.txt": b"x"}), "Attach a PDF, a Word"),
        ("cv.txt", "Héllo\x00".encode(), "Attach a PDF, a Word"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    app, client, login, hiring_manager, application_id, name, data, said
):
    login(hiring_manager)
    page = attach(client, application_id, name, data)
    assert "Nothing attached" in page and said in page
    assert stored(app) == []


def test_word_opendocument_and_text_are_kept_as_sent(
    app, client, login, hiring_manager, application_id
):
    login(hiring_manager)
    attach(client, application_id, "letter.docx", office(DOCX), kind="cover letter")
    attach(client, application_id, "sample.odt", office(ODT), kind="work sample")
    attach(client, application_id, "notes.txt", "Grüße, Robin".encode())
    kinds = [(d.filename, d.kind.value, d.media_type.split("/")[-1]) for d in stored(app)]
    assert kinds == [
        (
            "letter.docx",
            "cover letter",
            "vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("sample.odt", "work sample", "vnd.oasis.opendocument.text"),
        ("notes.txt", "cv", "plain"),
    ]
    # A name with a path or markup is kept as text, its last part only.
    attach(client, application_id, "../../<script>x</script>.txt", b"plain")
    assert stored(app)[-1].filename == "script>.txt"
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "<script>x</script>" not in page


def test_a_file_too_large_is_refused(app, client, login, hiring_manager, application_id):
    app.config["CANDIDATE_DOCUMENT_MAX_BYTES"] = 1024
    login(hiring_manager)
    page = attach(client, application_id, "big.txt", b"x" * 2048)
    assert "larger than" in page
    assert stored(app) == []


def test_only_readers_of_the_application_get_its_documents(
    app, client, login, hiring_manager, application_id, make_user
):
    login(hiring_manager)
    attach(client, application_id, "cv.pdf", cv_pdf())
    (document,) = stored(app)
    login(make_user(Role.INTERVIEWER))
    assert client.get(f"/candidate-documents/{document.id}").status_code == 403
    assert client.post(f"/candidate-documents/{document.id}/delete").status_code == 403
    assert (
        client.post(
            f"/applications/{application_id}/documents",
            data={"kind": "cv", "file": (io.BytesIO(b"x"), "a.txt")},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )
    assert len(stored(app)) == 1


def test_the_packet_appends_the_pdfs_after_a_divider(
    app, client, login, plan_kit, hiring_manager, application_id, make_user
):
    panelist = make_user(Role.INTERVIEWER)
    with app.app_context():
        application = db.session.get(Application, application_id)
        version = db.session.get(KitVersion, plan_kit)
        interview = ops.schedule(
            application.candidate,
            version,
            utcnow(),
            [db.session.get(User, panelist.id)],
            application=application,
            planned=application.opening.planned[0],
        )
        scorecard = interview.scorecards[0]
        changes = {f"item:{i.id}:notes": "Notes" for i in version.items}
        changes |= {"recommendation": "yes", "summary": "Fine"}
        for kc in version.competencies:
            changes |= {f"rating:{kc.id}:value": 3, f"rating:{kc.id}:evidence": "Said so"}
        scorecard_ops.save(scorecard.id, panelist.id, 0, changes, 10_000)
        scorecard_ops.submit(scorecard)
        db.session.commit()
        candidate_id = application.candidate_id
    login(hiring_manager)
    attach(client, application_id, "cv.pdf", cv_pdf())
    attach(client, application_id, "letter.docx", office(DOCX), kind="cover letter")
    plain = PdfReader(io.BytesIO(client.get(f"/candidates/{candidate_id}/packet.pdf").data))
    full = client.get(f"/candidates/{candidate_id}/packet.pdf?documents=1")
    assert "packet-with-documents" in full.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(full.data))
    # The divider and the one PDF; the Word file is not a PDF to append.
    assert len(reader.pages) == len(plain.pages) + 2
    divider = " ".join(reader.pages[-2].extract_text().split())
    assert "CV" in divider and "Robin Reyes" in divider and "cv.pdf" in divider
    assert "Page 1 of" not in divider  # no numbering of its own between two others
    assert "Curriculum of Robin" in reader.pages[-1].extract_text()


def test_deleting_the_candidate_deletes_their_documents(
    app, client, login, hiring_manager, application_id, make_user
):
    login(hiring_manager)
    attach(client, application_id, "cv.pdf", cv_pdf())
    with app.app_context():
        candidate_id = db.session.get(Application, application_id).candidate_id
    login(make_user(Role.ADMIN))
    client.post(f"/candidates/{candidate_id}/delete")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CandidateDocument)) == 0
