"""A candidate's documents: a CV, a cover letter or a work sample attached to an
application. The verbs flush; the caller commits.

What a file is comes from its bytes, not its name: a PDF starts with `%PDF-`; a DOCX and
an ODT are ZIP archives with their own parts; plain text is UTF-8 without NUL bytes. A PDF
is rewritten before it is kept (pikepdf): its document and page actions, JavaScript,
forms, embedded files and every annotation but plain web links are dropped, so that what
a reader opens, or what a packet appends, can run nothing. Word files with macros are
refused. Files are kept in the database, outside the web root, and only ever served as
downloads (see the views).
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import pikepdf

from hiring import changes
from hiring.audit.operations import record
from hiring.auth.models import User
from hiring.domain import DomainError, Kind
from hiring.extensions import db
from hiring.interviews.models import Application, CandidateDocument, DocumentKind
from hiring.text import clean

PDF, DOCX, ODT, TEXT = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "text/plain",
)
EXTENSIONS = {PDF: {".pdf"}, DOCX: {".docx"}, ODT: {".odt"}, TEXT: {".txt", ".text", ".md"}}
MOST_PAGES = 100
# A ZIP may claim any size once unpacked: more than this is refused unread.
MOST_UNPACKED = 100 * 1024 * 1024
# Page objects' keys that act when the page opens or closes.
PAGE_ACTIONS = ("/AA",)
ROOT_DROPPED = ("/OpenAction", "/AA", "/AcroForm", "/Names", "/JavaScript", "/URI", "/XFA")


@dataclass(frozen=True)
class Checked:
    media_type: str
    data: bytes
    pages: int | None


def _refuse(message: str) -> DomainError:
    return DomainError(Kind.INVALID, message, errors={"file": message})


def check(filename: str, data: bytes, max_bytes: int) -> Checked:
    """What the file is, and the bytes to keep; refused with the reason otherwise."""
    if not data:
        raise _refuse("The file is empty.")
    if len(data) > max_bytes:
        raise _refuse(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    suffix = PurePosixPath(filename.lower()).suffix
    if data.startswith(b"%PDF-"):
        media_type = PDF
    elif data.startswith(b"PK\x03\x04"):
        media_type = _office(data)
    elif _text(data):
        media_type = TEXT
    else:
        raise _refuse("Attach a PDF, a Word (.docx) or OpenDocument (.odt) file, or plain text.")
    if suffix not in EXTENSIONS[media_type]:
        raise _refuse(
            f"The file's name ends in “{suffix or 'nothing'}” but it holds "
            f"{_name(media_type)}: rename it, or attach the file you meant."
        )
    if media_type == PDF:
        data, pages = sanitized_pdf(data)
        return Checked(media_type, data, pages)
    return Checked(media_type, data, None)


def _name(media_type: str) -> str:
    return {PDF: "a PDF", DOCX: "a Word document", ODT: "an OpenDocument text", TEXT: "text"}[
        media_type
    ]


def _text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _office(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise _refuse("The file is a damaged archive.") from error
    if sum(p.file_size for p in parts) > MOST_UNPACKED:
        raise _refuse("The file unpacks to more than 100 MB.")
    names = {p.filename for p in parts}
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refuse("The Word file holds macros: save it as a .docx without them.")
        return DOCX
    if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
        if any(n.lower().startswith("basic/") for n in names):
            raise _refuse("The document holds macros: save it without them.")
        return ODT
    raise _refuse("Attach a PDF, a Word (.docx) or OpenDocument (.odt) file, or plain text.")


def sanitized_pdf(data: bytes) -> tuple[bytes, int]:
    """The PDF rewritten without what can act (actions, JavaScript, forms, embedded files,
    annotations other than web links), and its page count."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise _refuse("The PDF is password-protected: attach one that opens freely.") from error
    except pikepdf.PdfError as error:
        raise _refuse("The PDF cannot be read: it may be damaged.") from error
    with pdf:
        if len(pdf.pages) > MOST_PAGES:
            raise _refuse(f"The PDF has more than {MOST_PAGES} pages.")
        root = pdf.Root
        for key in ROOT_DROPPED:
            if key in root:
                del root[key]
        for page in pdf.pages:
            for key in PAGE_ACTIONS:
                if key in page.obj:
                    del page.obj[key]
            if "/Annots" in page.obj:
                kept = [a for a in page.obj.Annots if _plain_link(a)]
                if kept:
                    page.obj.Annots = pikepdf.Array(kept)
                else:
                    del page.obj["/Annots"]
        pdf.remove_unreferenced_resources()
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False)
        return out.getvalue(), len(pdf.pages)


def _plain_link(annotation) -> bool:
    """A link annotation whose only action is to open a web address."""
    if annotation.get("/Subtype") != pikepdf.Name.Link:
        return False
    action = annotation.get("/A")
    if action is None:
        return "/Dest" in annotation
    uri = str(action.get("/URI", ""))
    return action.get("/S") == pikepdf.Name.URI and uri.lower().startswith(("https:", "http:"))


def attach(
    application: Application,
    kind: str,
    filename: str,
    data: bytes,
    user: User | None,
    max_bytes: int,
) -> CandidateDocument:
    if kind not in {k.value for k in DocumentKind}:
        raise DomainError(Kind.INVALID, "Choose what the document is.", errors={"kind": "Choose."})
    name = clean(PurePosixPath((filename or "").replace("\\", "/")).name).strip()[:200]
    if not name:
        raise _refuse("The file has no name.")
    checked = check(name, data, max_bytes)
    document = CandidateDocument(
        application=application,
        kind=DocumentKind(kind),
        filename=name,
        media_type=checked.media_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        pages=checked.pages,
        data=checked.data,
        uploaded_by_id=user.id if user else None,
    )
    db.session.add(document)
    db.session.flush()
    # What and how big, never the name: it is personal data.
    record(
        "document.attach",
        "application",
        application.id,
        kind=kind,
        media_type=checked.media_type,
        size=document.size,
    )
    changes.record("candidate", application.candidate_id)
    return document


def remove(document: CandidateDocument) -> None:
    record("document.remove", "application", document.application_id, kind=document.kind.value)
    changes.record("candidate", document.application.candidate_id)
    db.session.delete(document)
