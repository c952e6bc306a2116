"""The four documents: a scorecard, a candidate packet, a kit guide, the calibration report.

A `Spec` names a document in plain values (what, which, in whose time zone, for which
reader), so that a request and a task build the same one. `build` reads what the document
shows and returns a `Document`: the digest of all of it (its key in the store) and how to
lay it out. Building reads only what the key needs; the content is read when laid out.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from hiring.auth.models import User
from hiring.debrief import figures
from hiring.debrief.aggregate import aggregate, one_line, progress, rollup, tally, words
from hiring.debrief.queries import decisions, kits_interviewed
from hiring.extensions import db, utcnow
from hiring.interviews import queries as interview_queries
from hiring.interviews import reach
from hiring.interviews.models import Candidate, Scorecard
from hiring.kits.models import KitVersion
from hiring.kits.queries import with_content
from hiring.pdf import appended, fingerprint, render_pdf
from hiring.scorecards.operations import content

KINDS = ("scorecard", "packet", "guide", "calibration")


@dataclass(frozen=True)
class Spec:
    """A document in plain values. `ident` is a scorecard, candidate or kit version id, or
    a kit id for the calibration (0: every kit). A packet with no `reader_id` is the whole
    panel's, as a manager reads it; with one, as that reader may read it."""

    kind: str
    ident: int
    zone: str
    reader_id: int | None = None
    with_guide: bool = False
    # A packet with the candidates' PDF documents (CVs first) after its pages.
    with_documents: bool = False

    def args(self) -> tuple:
        return (
            self.kind,
            self.ident,
            self.zone,
            self.reader_id,
            self.with_guide,
            self.with_documents,
        )


@dataclass
class Document:
    """A document as the data stands: its key, whose it is, and what lays it out (a
    template under templates/pdf/ and, read only then, the context it shows)."""

    spec: Spec
    key: str
    candidate_id: int | None
    template: str
    context: Callable[[], dict] = field(repr=False)
    # PDFs to append, read only when laid out (a packet's documents, each after a divider).
    appendix: Callable[[], list[bytes]] | None = field(default=None, repr=False)

    def render(self) -> bytes:
        pdf = render_pdf(self.template, **self.context())
        return appended(pdf, self.appendix()) if self.appendix else pdf


class Unavailable(Exception):
    """A document that does not exist (any more), or has nothing to show, with why."""


def _digest(*parts) -> str:
    text = json.dumps([fingerprint(), *parts], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def header_for(candidate: Candidate) -> str:
    """The running header of a candidate's documents."""
    return f"{candidate.name} · {candidate.role}" if candidate.role else candidate.name


def build(spec: Spec, **loaded) -> Document:
    """The document `spec` names, as the data stands now. Call in a request context whose
    time zone is `spec.zone`. A packet may be given its `candidate` (loaded with
    `candidate_with_scorecards`) and `submitted` scorecards, read already."""
    scope = _reach_of(spec)
    with reach.scoped(scope):
        document = {
            "scorecard": _scorecard,
            "packet": _packet,
            "guide": _guide,
            "calibration": _calibration,
        }[spec.kind](spec, **loaded)
    # Read when laid out, maybe later: what they read is what the key was built from.
    document.context = _within(scope, document.context)
    if document.appendix is not None:
        document.appendix = _within(scope, document.appendix)
    return document


def _reach_of(spec: Spec) -> reach.Reach | None:
    """What a document's queries reach, wherever it is built (a request, a worker): a
    packet what its reader reaches, or with no reader what every manager shares (no
    confidential opening); a calibration the shared figures; a scorecard or a guide,
    whose reader the view checked already, everything."""
    if spec.kind == "packet":
        reader = db.session.get(User, spec.reader_id) if spec.reader_id else None
        return reach.of(reader) if reader is not None else reach.Reach(None)
    if spec.kind == "calibration":
        return reach.Reach(None)
    return None


def _within(scope: reach.Reach | None, read: Callable):
    def scoped_read():
        with reach.scoped(scope):
            return read()

    return scoped_read


def _scorecard(spec: Spec) -> Document:
    scorecard = db.session.scalar(
        interview_queries.scorecards_with_content().where(Scorecard.id == spec.ident)
    )
    if scorecard is None:
        raise Unavailable("This scorecard no longer exists.")
    interview = scorecard.interview
    candidate, version = interview.candidate, interview.kit_version
    key = _digest(
        "scorecard",
        scorecard.id,
        scorecard.version,
        scorecard.submitted_at is None,
        spec.zone,
        candidate.name,
        candidate.role,
        interview.sequence,
        interview.cancelled_at,
        scorecard.interviewer.name,
        version.kit.title,
        version.number,
    )

    def context() -> dict:
        return {
            "scorecard": scorecard,
            "values": content(scorecard),
            "header": header_for(candidate),
            "title": f"Scorecard: {candidate.name}, by {scorecard.interviewer.name}",
            "subject": f"{version.kit.title}, version {version.number}",
            "draft": scorecard.submitted_at is None,
        }

    return Document(spec, key, candidate.id, "pdf/scorecard.html", context)


def guide_digest(version: KitVersion) -> str:
    """A digest of everything a kit guide shows. A draft shows the bank's current text,
    and every guide the bank's competencies per question: the version's own lock alone
    would let an edited question's guide go stale."""
    parts = [
        version.kit.title,
        version.kit.role,
        version.purpose,
        version.briefing,
        version.duration_minutes,
        version.published_at,
        version.recommendation_points,
        version.recommendation_labels,
        [p.label for p in version.scale],
    ]
    for section in version.sections:
        parts.append(section.title)
        for item in section.items:
            parts += [
                item.display_prompt,
                item.probes,
                item.minutes,
                item.display_tiers,
                sorted(c.name for c in item.question.competencies),
            ]
    for kc in version.competencies:
        parts += [kc.display_name, kc.anchors]
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def _guide(spec: Spec) -> Document:
    version = db.session.scalar(with_content(select(KitVersion).where(KitVersion.id == spec.ident)))
    if version is None:
        raise Unavailable("This kit version no longer exists.")
    key = _digest("guide", version.id, guide_digest(version))

    def context() -> dict:
        return {
            "version": version,
            "kit": version.kit,
            "header": f"{version.kit.title} · {version.kit.role}",
            "title": f"Kit guide: {version.kit.title}, version {version.number}",
            "subject": version.kit.role,
            "draft": version.published_at is None,
        }

    return Document(spec, key, None, "pdf/guide.html", context)


def _packet(spec: Spec, candidate: Candidate | None = None, submitted=None) -> Document:
    if candidate is None:
        candidate = db.session.scalar(interview_queries.candidate_with_scorecards(spec.ident))
    if candidate is None:
        raise Unavailable("This candidate no longer exists.")
    if submitted is None:
        submitted = interview_queries.submitted_for_packet(candidate.id, spec.with_guide)
    hidden: dict[int, str] = {}
    decision_open = True
    reader = db.session.get(User, spec.reader_id) if spec.reader_id is not None else None
    if spec.reader_id is not None:
        if reader is None or not reader.active:
            raise Unavailable("This account can no longer export documents.")
        access = interview_queries.loaded_access(reader, candidate)
        submitted, hidden = access.readable(submitted), access.hidden_interviews()
        decision_open = access.may_read_decision()
    if not submitted:
        raise Unavailable(f"{candidate.name} has no submitted scorecard yet: there is no packet.")
    versions = {s.interview.kit_version.id: s.interview.kit_version for s in submitted}
    applied = interview_queries.applications_with_plans(candidate.id, reader)
    attached = []
    if spec.with_documents and reader is not None:
        # Only a reader's packet carries documents: theirs are of the openings they manage.
        attached = interview_queries.pdf_documents(candidate.id, reader)
    panel = progress(candidate)
    history = decisions(candidate.id) if decision_open else []
    decision = history[-1] if history else None
    key = _digest(
        "packet",
        candidate.id,
        candidate.name,
        candidate.role,
        spec.with_guide,
        spec.zone,
        [(i.id, i.sequence, i.cancelled_at) for i in candidate.interviews],
        sorted(hidden.items()),
        decision.id if decision else None,
        decision_open,
        [(s.id, s.version, s.withdrawn_at is None) for s in panel.pending],
        panel.expected,
        [(s.id, s.version) for s in submitted],
        [guide_digest(v) if spec.with_guide else v.lock for v in versions.values()],
        [(a.id, a.stage_id, a.status.value, a.opening.version, a.opening.title) for a in applied],
        [(d.id, d.sha256) for d in attached],
    )

    def context() -> dict:
        shown = interview_queries.with_content_of(submitted)
        by_application = [
            (a, rollup(a.opening, [s for s in shown if s.interview.application_id == a.id])[0])
            for a in applied
        ]
        return {
            "candidate": candidate,
            "scorecards": shown,
            "contents": {s.id: content(s) for s in shown},
            "rows": aggregate(shown),
            "tally": tally(shown),
            "words": words(shown),
            "interviews": sorted({s.interview for s in shown}, key=lambda i: i.scheduled_at),
            "hidden": sorted(set(hidden.values())),
            "hidden_count": len(hidden),
            "progress": panel,
            "decision": decision,
            "decision_hidden": not decision_open,
            "applications": by_application,
            "one_line": one_line,
            "guides": list(versions.values()) if spec.with_guide else [],
            "header": header_for(candidate),
            "title": f"Candidate packet: {candidate.name}",
            "subject": ", ".join(sorted({v.kit.title for v in versions.values()})),
            "draft": False,
        }

    def appendix() -> list[bytes]:
        parts = []
        for document in attached:
            parts.append(
                render_pdf(
                    "pdf/divider.html",
                    document=document,
                    candidate=candidate,
                    header=header_for(candidate),
                    title=f"{document.kind.label}: {candidate.name}",
                    subject=document.application.opening.title,
                    draft=False,
                )
            )
            parts.append(interview_queries.document_data(document.id))
        return parts

    return Document(
        spec,
        key,
        candidate.id,
        "pdf/packet.html",
        context,
        appendix if attached else None,
    )


def _calibration(spec: Spec) -> Document:
    reader = db.session.get(User, spec.reader_id)
    if reader is None or not reader.active or not reader.is_manager:
        raise Unavailable("This account can no longer export documents.")
    kit_id = spec.ident or None
    report = figures.calibration(kit_id, reader)
    choices = kits_interviewed()
    key = _digest("calibration", kit_id, spec.zone, report.as_json())

    def context() -> dict:
        return {
            "people": report.people,
            "kits": report.kits,
            "kit_id": kit_id,
            "choices": choices,
            "generated": report.computed_at or utcnow(),
            "header": "Interviewer calibration",
            "title": "Interviewer calibration",
            "subject": "Ratings against co-panelists, and agreement per kit",
            "draft": False,
        }

    return Document(spec, key, None, "pdf/calibration.html", context)
