"""Verbs that change interview kits. They flush; the caller commits."""

from sqlalchemy import func, select, update

from hiring import changes
from hiring.audit.operations import record
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.kits.models import (
    DEFAULT_SCALE,
    Kit,
    KitCompetency,
    KitItem,
    KitSection,
    KitVersion,
    ScalePoint,
    VersionState,
)
from hiring.questions import operations as bank
from hiring.questions.models import Competency, Question
from hiring.text import counted, short

DEFAULT_SECTIONS = ("Opening", "Questions", "Candidate's questions")
# The template's conversation around the questions: empty by design, never flagged.
CONVERSATIONAL_SECTIONS = {DEFAULT_SECTIONS[0], DEFAULT_SECTIONS[2]}


def create_kit(
    title: str,
    role: str,
    *,
    purpose: str = "",
    duration: int = 60,
    briefing: str = "",
    created_by_id: int | None = None,
) -> Kit:
    """Create a kit with a first draft version, default sections and the default scale."""
    kit = Kit(title=title.strip(), role=role.strip(), created_by_id=created_by_id)
    version = KitVersion(
        kit=kit, number=1, purpose=purpose, duration_minutes=duration, briefing=briefing
    )
    version.sections = [KitSection(position=n, title=t) for n, t in enumerate(DEFAULT_SECTIONS)]
    version.scale = [
        ScalePoint(value=n, label=label) for n, label in enumerate(DEFAULT_SCALE, start=1)
    ]
    db.session.add(kit)
    db.session.flush()
    record("kit.create", "kit", kit.id, title=kit.title)
    return kit


def claim_draft(version: KitVersion, seen_lock: int | None) -> None:
    """Check the version is a draft and nobody changed it since `seen_lock`; bump the lock.

    The conditional UPDATE makes two concurrent saves of the same draft impossible to
    both succeed: the second one matches no row and is refused.
    """
    if version.state is not VersionState.DRAFT:
        raise DomainError(
            Kind.INVALID,
            f"Version {version.number} is {version.state.value}: it cannot change. "
            "Use “Edit” to start a new draft.",
        )
    if seen_lock is None:
        raise DomainError(Kind.CONFLICT, "This page is out of date. Reload it and try again.")
    result = db.session.execute(
        update(KitVersion)
        .where(KitVersion.id == version.id, KitVersion.lock == seen_lock)
        .values(lock=KitVersion.lock + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(
            Kind.CONFLICT,
            "Someone else changed this kit while you were editing, so your change was not "
            "saved. The page now shows their version; make your change again.",
        )
    db.session.refresh(version, ["lock"])


def update_details(
    version: KitVersion, *, title: str, role: str, purpose: str, duration: int, briefing: str
) -> None:
    """Change the kit's title and role and the version's purpose, duration and briefing."""
    version.kit.title, version.kit.role = title.strip(), role.strip()
    version.purpose, version.duration_minutes, version.briefing = purpose, duration, briefing


def add_section(version: KitVersion, title: str) -> KitSection:
    """Append a section."""
    section = KitSection(position=len(version.sections), title=title.strip())
    version.sections.append(section)
    db.session.flush()
    return section


def rename_section(section: KitSection, title: str) -> None:
    """Give a section a new title."""
    section.title = title.strip()


def delete_section(version: KitVersion, section: KitSection) -> None:
    """Remove a section; its questions go with it."""
    if len(version.sections) == 1:
        raise DomainError(Kind.INVALID, "A kit needs at least one section.")
    version.sections.remove(section)
    _renumber(version.sections)


def _renumber(rows) -> None:
    for position, row in enumerate(rows):
        row.position = position


def _move(rows: list, row, offset: int) -> list:
    index = rows.index(row)
    target = index + offset
    if 0 <= target < len(rows):
        rows.insert(target, rows.pop(index))
    return rows


def move_section(version: KitVersion, section: KitSection, offset: int) -> None:
    """Move a section up (-1) or down (+1)."""
    _renumber(_move(list(version.sections), section, offset))
    version.sections.sort(key=lambda s: s.position)


def add_question(
    version: KitVersion, section: KitSection, question: Question, minutes: int = 5
) -> KitItem:
    """Append a bank question to a section. Its competencies are suggested for rating
    (`suggested_competencies`), never rated on their own: a scorecard stays focused."""
    if question.is_archived:
        raise DomainError(
            Kind.INVALID, "That question is archived; bring it back to the bank to use it."
        )
    if any(item.question_id == question.id for item in version.items):
        raise DomainError(Kind.INVALID, "That question is already in this kit.")
    item = KitItem(
        position=len(section.items), question=question, minutes=minutes, kit_version_id=version.id
    )
    section.items.append(item)
    db.session.flush()
    return item


# Structured-interview practice: a few well-anchored dimensions are rated more reliably
# than many; the builder aims for this many per interview.
FOCUSED = range(4, 8)


def suggested_competencies(version: KitVersion) -> list[tuple[Competency, int]]:
    """Competencies the kit's questions evaluate and the scorecard does not rate yet, with
    how many questions evaluate each: the most evaluated first."""
    rated = {kc.competency_id for kc in version.competencies}
    counts: dict[int, list] = {}
    for item in version.items:
        for competency in item.question.competencies:
            if competency.id not in rated:
                counts.setdefault(competency.id, [competency, 0])[1] += 1
    return sorted(
        ((c, n) for c, n in counts.values()), key=lambda pair: (-pair[1], pair[0].name.lower())
    )


def rate_suggested(version: KitVersion, limit: int = FOCUSED.stop - 1) -> list[KitCompetency]:
    """Rate the most evaluated suggestions, up to `limit` rated in all."""
    added = []
    for competency, _ in suggested_competencies(version):
        if len(version.competencies) >= limit:
            break
        added.append(add_competency(version, competency))
    db.session.flush()
    return added


def add_to_draft(version: KitVersion, question: Question) -> KitItem:
    """Add a question written for this draft to its main section (the second, if any)."""
    if version.state is not VersionState.DRAFT:
        raise DomainError(
            Kind.INVALID, "That kit version is no longer a draft; the question is not added."
        )
    sections = version.sections
    return add_question(version, sections[min(1, len(sections) - 1)], question)


def update_item(item: KitItem, *, minutes: int, probes: str) -> None:
    """Set a question's planned minutes and probes."""
    item.minutes, item.probes = minutes, probes


def remove_item(item: KitItem) -> None:
    """Take a question out of the kit (the bank keeps it)."""
    section = item.section
    section.items.remove(item)
    _renumber(section.items)


def move_item(version: KitVersion, item: KitItem, offset: int) -> None:
    """Move a question up (-1) or down (+1), crossing into the next section at an edge."""
    section = item.section
    items = list(section.items)
    index = items.index(item)
    target = index + offset
    if 0 <= target < len(items):
        _renumber(_move(items, item, offset))
        section.items.sort(key=lambda i: i.position)
        return
    sections = list(version.sections)
    neighbour = sections.index(section) + offset
    if 0 <= neighbour < len(sections):
        destination = sections[neighbour]
        section.items.remove(item)
        _renumber(section.items)
        if offset < 0:
            destination.items.append(item)
        else:
            destination.items.insert(0, item)
        _renumber(destination.items)


def reorder(version: KitVersion, layout: list[tuple[int, list[int]]]) -> None:
    """Set the order of sections and of the questions in them, as dragged in the builder.

    `layout` lists (section id, [item id, ...]) in the new order and must name every
    section and every question of the version exactly once.
    """
    sections = {s.id: s for s in version.sections}
    items = {i.id: i for i in version.items}
    named_sections = [sid for sid, _ in layout]
    named_items = [iid for _, ids in layout for iid in ids]
    if sorted(named_sections) != sorted(sections) or sorted(named_items) != sorted(items):
        raise DomainError(
            Kind.CONFLICT, "The order sent does not match this kit. Reload the page and try again."
        )
    for position, (section_id, item_ids) in enumerate(layout):
        section = sections[section_id]
        section.position = position
        for item_position, item_id in enumerate(item_ids):
            item = items[item_id]
            item.section, item.position = section, item_position
    db.session.flush()
    db.session.expire(version, ["sections"])
    for section in sections.values():
        db.session.expire(section, ["items"])


def add_competency(version: KitVersion, competency: Competency) -> KitCompetency:
    """Rate a catalogue competency on this kit, with the catalogue's anchors to start from."""
    if any(kc.competency_id == competency.id for kc in version.competencies):
        raise DomainError(Kind.INVALID, f"“{competency.name}” is already rated in this kit.")
    kc = KitCompetency(
        competency=competency,
        position=len(version.competencies),
        anchors={str(a.point): a.text for a in competency.anchors},
    )
    version.competencies.append(kc)
    return kc


def remove_competency(version: KitVersion, kc: KitCompetency) -> None:
    """Stop rating a competency on this kit."""
    version.competencies.remove(kc)
    _renumber(version.competencies)


def move_competency(version: KitVersion, kc: KitCompetency, offset: int) -> None:
    """Move a rated competency up (-1) or down (+1)."""
    _renumber(_move(list(version.competencies), kc, offset))
    version.competencies.sort(key=lambda c: c.position)


def set_anchors(kc: KitCompetency, anchors: dict[int, str]) -> None:
    """Write this kit's anchor text for each point of its scale."""
    kc.anchors = {str(point): text.strip() for point, text in anchors.items() if text.strip()}


def set_scale(version: KitVersion, labels: list[str]) -> None:
    """Replace the rating scale with these labels, for points 1 to len(labels)."""
    labels = [label.strip() for label in labels]
    if not 3 <= len(labels) <= 7:
        raise DomainError(Kind.INVALID, "A rating scale has 3 to 7 points.")
    if not all(labels):
        raise DomainError(Kind.INVALID, "Every point of the scale needs a label.")
    existing = {p.value: p for p in version.scale}
    for value, label in enumerate(labels, start=1):
        if value in existing:
            existing[value].label = label
        else:
            version.scale.append(ScalePoint(value=value, label=label))
    for value, point in existing.items():
        if value > len(labels):
            version.scale.remove(point)
    db.session.flush()


def set_recommendation_scale(version: KitVersion, labels: list[str]) -> None:
    """The overall recommendation's points (2 to 5) with the team's labels for them."""
    labels = [" ".join(label.split())[:60] for label in labels]
    if not 2 <= len(labels) <= 5:
        raise DomainError(Kind.INVALID, "The recommendation scale has 2 to 5 points.")
    if not all(labels):
        raise DomainError(Kind.INVALID, "Every point of the recommendation scale needs a label.")
    if len({label.casefold() for label in labels}) != len(labels):
        raise DomainError(
            Kind.INVALID, "Each point of the recommendation scale needs its own label."
        )
    version.recommendation_points = len(labels)
    version.recommendation_labels = labels
    db.session.flush()


def remap_anchors(anchors: dict, old: int, new: int) -> tuple[dict[str, str], dict[int, str]]:
    """Anchors of an `old`-point scale placed by meaning on a `new`-point one: the ends stay
    the ends and every point keeps its relative place (on 4 -> 5, "exceptional" moves from
    4 to 5 and "solid" from 3 to 4). When two land on one point, the nearer one stays;
    the others are returned apart, by their old point, for the manager to place."""
    # New point -> (distance from where it landed exactly, old point, text).
    placed: dict[int, tuple[float, int, str]] = {}
    dropped: dict[int, str] = {}
    for key, text in sorted(anchors.items(), key=lambda item: int(item[0])):
        point = int(key)
        if not text.strip() or not 1 <= point <= old:
            continue
        exact = 1 + (point - 1) * (new - 1) / (old - 1) if old > 1 else 1
        target = int(exact + 0.5)
        distance = abs(exact - target)
        if target in placed and placed[target][0] <= distance:
            dropped[point] = text
            continue
        if target in placed:
            _, earlier, earlier_text = placed[target]
            dropped[earlier] = earlier_text
        placed[target] = (distance, point, text)
    return {str(p): text for p, (_, _, text) in sorted(placed.items())}, dropped


def scorecard_warnings(version: KitVersion) -> list[str]:
    """What may be wrong with the scorecard: ratings no question informs, and vice versa."""
    rated = {kc.competency_id: kc for kc in version.competencies}
    evaluated = {c.id for item in version.items for c in item.question.competencies}
    found = [
        f"“{kc.display_name}” is rated, but no question in this kit evaluates it."
        for kc in version.competencies
        if kc.competency_id not in evaluated
    ]
    for item in version.items:
        competencies = item.question.competencies
        if competencies and not any(c.id in rated for c in competencies):
            found.append(
                f"“{short(item.question.prompt)}” evaluates competencies this scorecard "
                "does not rate."
            )
    return found


def publish_warnings(version: KitVersion) -> list[str]:
    """What is likely unfinished; publishing asks for "publish anyway" while any remain."""
    found = [
        f"The section “{section.title}” has no question: it is left out of the scorecard."
        for section in version.sections
        if not section.items and section.title not in CONVERSATIONAL_SECTIONS
    ]
    points = [p.value for p in version.scale]
    for kc in version.competencies:
        missing = [p for p in points if not kc.anchor(p).strip()]
        if len(missing) == len(points):
            found.append(f"“{kc.display_name}” is rated without anchors.")
        elif missing:
            found.append(
                f"“{kc.display_name}” has no anchor for point{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(str, missing))}."
            )
    for item in version.items:
        if not item.question.tiers:
            found.append(
                f"“{short(item.question.prompt)}” has no sample answers to calibrate with."
            )
    if version.planned_minutes > version.duration_minutes:
        found.append(
            f"The questions take {version.planned_minutes} minutes; the interview has "
            f"{version.duration_minutes}."
        )
    if len(version.competencies) > FOCUSED.stop - 1:
        found.append(
            f"{len(version.competencies)} competencies are rated; {FOCUSED.start} to "
            f"{FOCUSED.stop - 1} rate more consistently."
        )
    return found


def publish_blockers(version: KitVersion) -> list[str]:
    """What publishing cannot go without, still missing (the checklist shows them)."""
    return [
        message
        for missing, message in (
            (not version.items, "Add at least one question before publishing."),
            (not version.competencies, "Rate at least one competency before publishing."),
            (not 3 <= len(version.scale) <= 7, "The rating scale needs 3 to 7 points."),
        )
        if missing
    ]


def refuse_unpublishable(version: KitVersion) -> None:
    """Refuse to publish what publishing cannot go without."""
    if blockers := publish_blockers(version):
        raise DomainError(Kind.INVALID, " ".join(blockers))


def publish(version: KitVersion) -> None:
    """Publish a draft for use, copying what interviewers will see into the version."""
    refuse_unpublishable(version)
    for item in version.items:
        item.prompt = item.question.prompt
        item.guide = {
            t.tier.value: {"answer": t.answer, "rationale": t.rationale}
            for t in item.question.ordered_tiers
        }
    for kc in version.competencies:
        kc.name = kc.competency.name
    version.published_at = utcnow()
    record("kit.publish", "kit", version.kit_id, version=version.number)
    changes.record("kit_version", version.id)


def copy_version(source: KitVersion, kit: Kit, number: int) -> KitVersion:
    """A new draft of `kit` with the content of `source`."""
    version = KitVersion(
        kit=kit,
        number=number,
        purpose=source.purpose,
        duration_minutes=source.duration_minutes,
        briefing=source.briefing,
        recommendation_points=source.recommendation_points,
        recommendation_labels=list(source.recommendation_labels or []) or None,
    )
    db.session.add(version)
    db.session.flush()
    for section in source.sections:
        copy = KitSection(position=section.position, title=section.title)
        version.sections.append(copy)
        for item in section.items:
            copy.items.append(
                KitItem(
                    position=item.position,
                    question_id=item.question_id,
                    minutes=item.minutes,
                    probes=item.probes,
                    kit_version_id=version.id,
                )
            )
    version.competencies = [
        KitCompetency(
            competency_id=kc.competency_id, position=kc.position, anchors=dict(kc.anchors)
        )
        for kc in source.competencies
    ]
    version.scale = [ScalePoint(value=p.value, label=p.label) for p in source.scale]
    db.session.flush()
    return version


def draft_of(kit: Kit) -> KitVersion:
    """The kit's draft version, made from its latest version when there is none."""
    latest = kit.versions[-1]
    if latest.state is VersionState.DRAFT:
        return latest
    version = copy_version(latest, kit, latest.number + 1)
    record("kit.draft", "kit", kit.id, version=version.number, from_version=latest.number)
    return version


def duplicate(source: KitVersion, created_by_id: int | None) -> Kit:
    """A new kit whose first draft copies `source`."""
    kit = Kit(
        title=f"Copy of {source.kit.title}"[:200], role=source.kit.role, created_by_id=created_by_id
    )
    db.session.add(kit)
    db.session.flush()
    copy_version(source, kit, 1)
    record("kit.duplicate", "kit", kit.id, source_kit=source.kit_id, version=source.number)
    return kit


def set_archived(kit: Kit, archived: bool) -> None:
    """Archive a kit (no new interviews) or bring it back."""
    kit.archived_at = utcnow() if archived else None
    record("kit.archive" if archived else "kit.unarchive", "kit", kit.id)


def merge_competencies(source: Competency, target: Competency) -> None:
    """Fold `source` into `target`: kit links follow, then the bank merges the two.

    Refused when a kit version rates both, as merging would rate one twice.
    """
    both = db.session.scalar(
        select(func.count())
        .select_from(KitCompetency)
        .where(
            KitCompetency.competency_id == source.id,
            KitCompetency.kit_version_id.in_(
                select(KitCompetency.kit_version_id).where(KitCompetency.competency_id == target.id)
            ),
        )
    )
    if both:
        raise DomainError(
            Kind.INVALID,
            f"{counted(both, 'kit version rates', 'kit versions rate')} both competencies; "
            "remove one of them there first.",
        )
    db.session.execute(
        update(KitCompetency)
        .where(KitCompetency.competency_id == source.id)
        .values(competency_id=target.id)
    )
    bank.merge_competencies(source, target)
