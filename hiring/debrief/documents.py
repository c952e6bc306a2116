"""The three PDF documents: a scorecard, a candidate packet, a kit guide."""

import hashlib
import json

from hiring.debrief.aggregate import aggregate, one_line, progress, tally
from hiring.debrief.queries import decisions
from hiring.interviews.models import Candidate, Scorecard
from hiring.interviews.operations import content, renderings_of
from hiring.kits.models import KitVersion
from hiring.pdf import (
    PdfError,
    assemble,
    cached,
    failures_remembered,
    render_pdf,
    render_pdf_parts,
    store,
    stored,
)
from hiring.timezones import reader_zone


def header_for(candidate: Candidate) -> str:
    """The running header of a candidate's documents."""
    return f"{candidate.name} · {candidate.role}" if candidate.role else candidate.name


def _scorecard_parts(scorecards: list[Scorecard]) -> list[bytes]:
    """Each scorecard's part: from the cache, the missing ones laid out in one document."""
    # Times are shown in the reader's zone: a rendering per zone.
    zone = reader_zone().key
    keys = [
        f"scorecard:{s.id}:{s.version}:{s.interview.candidate.name}:{s.interview.candidate.role}"
        f":{s.interview.sequence}:{zone}"
        for s in scorecards
    ]
    owners = [renderings_of(s.interview.candidate_id) for s in scorecards]
    parts = [stored(key, owner) for key, owner in zip(keys, owners, strict=True)]
    missing = [n for n, part in enumerate(parts) if part is None]
    if missing:
        todo = [scorecards[n] for n in missing]
        made = render_pdf_parts(
            "pdf/scorecards.html",
            [f"scorecard-{s.id}" for s in todo],
            items=[(s, content(s)) for s in todo],
        )
        for n, data in zip(missing, made, strict=True):
            store(keys[n], data, owners[n])
            parts[n] = data
    return parts


def guide_digest(version: KitVersion) -> str:
    """A fingerprint of everything a kit guide shows. A draft shows the bank's current
    text and every guide the bank's competencies per question, so the version's own
    lock alone would let an edited question's guide go stale."""
    parts = [
        version.kit.title,
        version.kit.role,
        version.purpose,
        version.briefing,
        str(version.duration_minutes),
        str(version.published_at),
        *(p.label for p in version.scale),
    ]
    for section in version.sections:
        parts.append(section.title)
        for item in section.items:
            parts += [
                item.display_prompt,
                item.probes,
                str(item.minutes),
                json.dumps(item.display_tiers, default=str, sort_keys=True),
                "|".join(sorted(c.name for c in item.question.competencies)),
            ]
    for kc in version.competencies:
        parts += [kc.display_name, json.dumps(kc.anchors, sort_keys=True)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _guide_part(version: KitVersion) -> bytes:
    key = f"guide:{version.id}:{guide_digest(version)}"
    return cached(key, lambda: render_pdf("pdf/guide.html", version=version, kit=version.kit))


def scorecard_pdf(scorecard: Scorecard) -> bytes:
    """One interviewer's scorecard; a draft is marked on every page."""
    candidate = scorecard.interview.candidate
    key = f"scorecard-document:{scorecard.id}:{scorecard.version}"
    with failures_remembered(key, renderings_of(candidate.id)):
        parts = _scorecard_parts([scorecard])
    return assemble(
        parts,
        header=header_for(candidate),
        title=f"Scorecard: {candidate.name}, by {scorecard.interviewer.name}",
        subject=f"{scorecard.interview.kit_version.kit.title}, version "
        f"{scorecard.interview.kit_version.number}",
        draft=scorecard.submitted_at is None,
        owner=renderings_of(candidate.id),
    )


def guide_pdf(version: KitVersion) -> bytes:
    """A kit guide to read and write on before the interview."""
    with failures_remembered(f"guide-document:{version.id}:{guide_digest(version)}"):
        part = _guide_part(version)
    return assemble(
        [part],
        header=f"{version.kit.title} · {version.kit.role}",
        title=f"Kit guide: {version.kit.title}, version {version.number}",
        subject=version.kit.role,
        draft=version.published_at is None,
    )


def packet_pdf(
    candidate: Candidate,
    scorecards: list[Scorecard],
    with_guide: bool,
    hidden: dict[int, str] | None = None,
) -> bytes:
    """The candidate packet: a cover with the panel's aggregate, then every scorecard.

    `scorecards` are those the reader may read; `hidden` the interviews kept from the
    reader, with why, which the cover names.
    """
    hidden = hidden or {}
    if not scorecards:
        raise PdfError(f"{candidate.name} has no submitted scorecard yet: there is no packet.")
    versions = {s.interview.kit_version.id: s.interview.kit_version for s in scorecards}
    panel = progress(candidate)
    history = decisions(candidate.id)
    decision = history[-1] if history else None
    key = ":".join(
        [
            f"packet:{candidate.id}:{candidate.name}:{candidate.role}:{with_guide}",
            f"zone={reader_zone().key}",
            f"interviews={[(i.id, i.sequence) for i in candidate.interviews]}",
            f"hidden={sorted(hidden.items())}",
            f"decision={decision.id if decision else None}",
            f"pending={[(s.id, s.version, s.withdrawn_at is None) for s in panel.pending]}",
            f"expected={panel.expected}",
            *(f"{s.id}.{s.version}" for s in scorecards),
            *(f"{v.id}.{guide_digest(v) if with_guide else v.lock}" for v in versions.values()),
        ]
    )

    owner = renderings_of(candidate.id)

    def make() -> bytes:
        cover = cached(
            key.replace("packet:", "cover:", 1),
            lambda: render_pdf(
                "pdf/cover.html",
                candidate=candidate,
                scorecards=scorecards,
                rows=aggregate(scorecards),
                tally=tally(scorecards),
                interviews=sorted({s.interview for s in scorecards}, key=lambda i: i.scheduled_at),
                hidden=sorted(set(hidden.values())),
                hidden_count=len(hidden),
                progress=panel,
                decision=decision,
                one_line=one_line,
            ),
            owner,
        )
        parts = [cover, *_scorecard_parts(scorecards)]
        if with_guide:
            parts += [_guide_part(v) for v in versions.values()]
        return assemble(
            parts,
            header=header_for(candidate),
            title=f"Candidate packet: {candidate.name}",
            subject=", ".join(sorted({v.kit.title for v in versions.values()})),
            owner=owner,
        )

    with failures_remembered(key, owner):
        return cached(key, make, owner)
