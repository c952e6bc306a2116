"""Verbs for openings: details, hiring team, scorecard, plan and status. They flush; the
caller commits.

Every change to the scorecard or the plan names the opening's version it was made from
and bumps it with one conditional UPDATE, so two tabs (or two managers) editing one plan
never overwrite each other unseen: the second is told to reload, and nothing of its
change is kept.
"""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from hiring import changes
from hiring.audit.operations import record
from hiring.auth.models import User
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.kits.models import KitVersion
from hiring.openings.coverage import coverage
from hiring.openings.models import (
    Attribute,
    Member,
    Opening,
    OpeningStatus,
    PlannedInterview,
    Stage,
    TeamRole,
)
from hiring.questions.models import Competency
from hiring.text import counted

STALE = (
    "This opening was changed in another tab or by someone else since this page was "
    "loaded. Nothing of your change was saved: the page now shows the opening as it is."
)

DETAILS = ("title", "team", "location", "headcount", "description", "confidential")


def claim(opening: Opening, version: int | None) -> None:
    """Take the opening's next version if it is still at `version`; refuse otherwise."""
    if version is None:
        raise DomainError(Kind.CONFLICT, STALE)
    done = db.session.execute(
        update(Opening)
        .where(Opening.id == opening.id, Opening.version == version)
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise DomainError(Kind.CONFLICT, STALE)
    set_committed_value(opening, "version", version + 1)


def create(
    *,
    title: str,
    team: str = "",
    location: str = "",
    headcount: int = 1,
    description: str = "",
    confidential: bool = False,
    user: User | None = None,
    template: Opening | None = None,
) -> Opening:
    """A new draft opening; from a template, a copy of its team, scorecard and plan. Its
    creator is on its hiring team: an opening nobody making it could see would be lost."""
    opening = Opening(
        title=title.strip(),
        team=(team or "").strip(),
        location=(location or "").strip(),
        headcount=headcount or 1,
        description=description or "",
        confidential=bool(confidential),
        created_by_id=user.id if user else None,
        copied_from_id=template.id if template else None,
    )
    db.session.add(opening)
    if template is not None:
        _copy_plan(template, opening)
        if user is not None and all(m.user_id != user.id for m in opening.members):
            opening.members.append(
                Member(user_id=user.id, role=TeamRole.RECRUITER, position=len(opening.members))
            )
    elif user is not None:
        opening.members.append(Member(user_id=user.id, role=TeamRole.HIRING_MANAGER))
    db.session.flush()
    record("opening.create", "opening", opening.id, template=template.id if template else None)
    return opening


def _copy_plan(template: Opening, opening: Opening) -> None:
    for n, m in enumerate(template.members):
        opening.members.append(Member(user_id=m.user_id, role=m.role, position=n))
    copies: dict[int, Attribute] = {}
    for a in template.attributes:
        copies[a.id] = Attribute(
            competency_id=a.competency_id,
            category=a.category,
            must_have=a.must_have,
            position=a.position,
        )
        opening.attributes.append(copies[a.id])
    for s in template.stages:
        stage = Stage(name=s.name, position=s.position)
        opening.stages.append(stage)
        for p in s.interviews:
            stage.interviews.append(
                PlannedInterview(
                    title=p.title,
                    position=p.position,
                    kit_version_id=p.kit_version_id,
                    duration_minutes=p.duration_minutes,
                    panel_size=p.panel_size,
                    focus=[copies[a.id] for a in p.focus],
                    panel=list(p.panel),
                )
            )


def update_details(opening: Opening, version: int | None, **fields) -> None:
    claim(opening, version)
    if "confidential" in fields and bool(fields["confidential"]) != opening.confidential:
        # Figures shared by every manager leave confidential openings out: now more, or less.
        changes.bump("figures")
        fields["confidential"] = bool(fields["confidential"])
    for name in DETAILS:
        if name in fields:
            value = fields[name]
            setattr(opening, name, value.strip() if isinstance(value, str) else value)
    record("opening.update", "opening", opening.id)


def set_team(opening: Opening, version: int | None, team: dict[TeamRole, list[User]]) -> None:
    """Replace the hiring team: who holds each role."""
    claim(opening, version)
    if not team.get(TeamRole.HIRING_MANAGER):
        raise DomainError(
            Kind.INVALID,
            "Name the hiring manager.",
            errors={"hiring_manager": "Name the hiring manager."},
        )
    opening.members.clear()
    db.session.flush()
    for role, people in team.items():
        for n, user in enumerate(people):
            opening.members.append(Member(user_id=user.id, role=role, position=n))
    record("opening.team", "opening", opening.id)


# The scorecard


def add_attribute(
    opening: Opening, version: int | None, competency: Competency, category: str, must_have: bool
) -> Attribute:
    claim(opening, version)
    if any(a.competency_id == competency.id for a in opening.attributes):
        raise DomainError(Kind.INVALID, f"“{competency.name}” is on the scorecard already.")
    attribute = Attribute(
        competency=competency,
        category=(category or "").strip(),
        must_have=must_have,
        position=max((a.position for a in opening.attributes), default=-1) + 1,
    )
    opening.attributes.append(attribute)
    db.session.flush()
    record("opening.attribute", "opening", opening.id, added=competency.id)
    return attribute


def update_attribute(
    attribute: Attribute, version: int | None, category: str, must_have: bool
) -> None:
    claim(attribute.opening, version)
    attribute.category, attribute.must_have = (category or "").strip(), must_have
    record("opening.attribute", "opening", attribute.opening_id, changed=attribute.competency_id)


def remove_attribute(attribute: Attribute, version: int | None) -> None:
    opening = attribute.opening
    claim(opening, version)
    for p in opening.planned:
        if attribute in p.focus:
            p.focus.remove(attribute)
    opening.attributes.remove(attribute)
    record("opening.attribute", "opening", opening.id, removed=attribute.competency_id)


# The plan


def add_stage(opening: Opening, version: int | None, name: str) -> Stage:
    claim(opening, version)
    name = (name or "").strip()
    if not name:
        raise DomainError(Kind.INVALID, "Name the stage.", errors={"name": "Name the stage."})
    if any(s.name.lower() == name.lower() for s in opening.stages):
        raise DomainError(Kind.INVALID, f"The plan has a stage “{name}” already.")
    stage = Stage(name=name, position=max((s.position for s in opening.stages), default=-1) + 1)
    opening.stages.append(stage)
    db.session.flush()
    record("opening.stage", "opening", opening.id, added=stage.id)
    return stage


def rename_stage(stage: Stage, version: int | None, name: str) -> None:
    claim(stage.opening, version)
    name = (name or "").strip()
    if not name:
        raise DomainError(Kind.INVALID, "Name the stage.")
    stage.name = name


def move_stage(stage: Stage, version: int | None, step: int) -> None:
    """Swap the stage with its neighbour before (-1) or after (+1)."""
    opening = stage.opening
    claim(opening, version)
    stages = list(opening.stages)
    at = stages.index(stage)
    to = at + step
    if not 0 <= to < len(stages):
        return
    stages[at], stages[to] = stages[to], stages[at]
    for n, s in enumerate(stages):
        s.position = n


def remove_stage(stage: Stage, version: int | None, applications_at: int) -> None:
    """Delete a stage and its planned interviews; refused while applications are in it."""
    opening = stage.opening
    claim(opening, version)
    if applications_at:
        raise DomainError(
            Kind.CONFLICT,
            f"{counted(applications_at, 'application is', 'applications are')} at “{stage.name}”: "
            "move them to another "
            "stage before removing it.",
        )
    opening.stages.remove(stage)
    record("opening.stage", "opening", opening.id, removed=stage.name)


def _check_planned(
    opening: Opening, version: KitVersion, focus: list[Attribute], panel_size: int
) -> None:
    if version.published_at is None:
        raise DomainError(
            Kind.INVALID,
            "Only a published kit version can be planned: publish the draft first.",
            errors={"kit_version_id": "This version is a draft."},
        )
    if version.kit.archived_at is not None:
        raise DomainError(Kind.INVALID, "That kit is archived.")
    rated = {kc.competency_id for kc in version.competencies}
    foreign = [a for a in focus if a.opening_id != opening.id]
    if foreign:
        raise DomainError(Kind.INVALID, "A focus attribute is not on this opening's scorecard.")
    unrated = [a.name for a in focus if a.competency_id not in rated]
    if unrated:
        message = (
            f"{version.kit.title} does not rate {', '.join(unrated)}: an interview can only "
            "be responsible for what its kit rates. Choose another focus, or a kit that "
            "rates it."
        )
        raise DomainError(Kind.INVALID, message, errors={"focus": message})
    if not 1 <= panel_size <= 20:
        raise DomainError(Kind.INVALID, "A panel has 1 to 20 people.")


def add_planned(
    stage: Stage,
    version: int | None,
    *,
    title: str,
    kit_version: KitVersion,
    duration: int | None,
    panel_size: int,
    focus: list[Attribute],
    panel: list[User] = (),
) -> PlannedInterview:
    opening = stage.opening
    claim(opening, version)
    _check_planned(opening, kit_version, focus, panel_size)
    planned = PlannedInterview(
        title=(title or "").strip() or kit_version.kit.title,
        kit_version=kit_version,
        duration_minutes=duration or kit_version.duration_minutes,
        panel_size=panel_size,
        focus=list(focus),
        panel=list(panel),
        position=max((p.position for p in stage.interviews), default=-1) + 1,
    )
    stage.interviews.append(planned)
    db.session.flush()
    record("opening.plan", "opening", opening.id, added=planned.id)
    return planned


def update_planned(
    planned: PlannedInterview,
    version: int | None,
    *,
    title: str,
    kit_version: KitVersion,
    duration: int | None,
    panel_size: int,
    focus: list[Attribute],
    panel: list[User] = (),
) -> None:
    opening = planned.stage.opening
    claim(opening, version)
    _check_planned(opening, kit_version, focus, panel_size)
    planned.title = (title or "").strip() or kit_version.kit.title
    planned.kit_version = kit_version
    planned.duration_minutes = duration or kit_version.duration_minutes
    planned.panel_size = panel_size
    planned.focus = list(focus)
    planned.panel = list(panel)
    record("opening.plan", "opening", opening.id, changed=planned.id)


def remove_planned(planned: PlannedInterview, version: int | None) -> None:
    stage = planned.stage
    claim(stage.opening, version)
    stage.interviews.remove(planned)
    record("opening.plan", "opening", stage.opening_id, removed=planned.title)


# Status


def plan_errors(opening: Opening) -> list[str]:
    """What stops an opening from opening at all (as opposed to coverage gaps)."""
    errors = []
    if not opening.stages:
        errors.append("The interview plan has no stage yet.")
    errors += [
        f"Stage “{s.name}” has no interview: add one, or remove the stage."
        for s in opening.stages
        if not s.interviews
    ]
    errors += [
        f"{p.title} uses a kit version that is not published."
        for p in opening.planned
        if p.kit_version.published_at is None
    ]
    if not opening.people(TeamRole.HIRING_MANAGER):
        errors.append("The hiring team has no hiring manager.")
    return errors


def set_status(
    opening: Opening, version: int | None, status: OpeningStatus, open_anyway: bool = False
) -> None:
    """Move an opening to `status`. Opening it checks the plan: errors refuse; must-have
    gaps ask first (`open_anyway`) and are recorded when accepted."""
    if status is OpeningStatus.OPEN and opening.status is not OpeningStatus.ON_HOLD:
        errors = plan_errors(opening)
        if errors:
            raise DomainError(Kind.INVALID, " ".join(errors))
        gaps = [g.text for g in coverage(opening).gaps]
        if gaps and not open_anyway:
            raise DomainError(
                Kind.CONFLICT,
                "Open anyway? " + " ".join(gaps),
                data={"gaps": gaps},
            )
    claim(opening, version)
    before = opening.status
    opening.status = status
    now = utcnow()
    if status is OpeningStatus.OPEN and opening.opened_at is None:
        opening.opened_at = now
    if status in (OpeningStatus.CLOSED, OpeningStatus.FILLED):
        opening.closed_at = now
    elif status is OpeningStatus.OPEN:
        opening.closed_at = None
    record("opening.status", "opening", opening.id, before=before.value, after=status.value)
