"""Helpers for tests of openings: one built over a kit, with a plan of two stages."""

from sqlalchemy import select

from hiring.auth.models import User
from hiring.extensions import db
from hiring.kits.models import KitVersion
from hiring.openings import operations as opening_ops
from hiring.openings.models import Opening, OpeningStatus
from hiring.questions.models import Competency


def competency(name: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.name == name))


def build(kit_id: int, manager_id: int, *, must=("Design", "Testing"), twice=True) -> int:
    """An opening whose scorecard asks for the kit's four competencies (`must` of them
    must-haves), with two stages of one interview each; with `twice` every attribute is
    the focus of both, without it only of the first. Inside an app context."""
    version = db.session.get(KitVersion, kit_id)
    opening = opening_ops.create(title="Backend engineer", user=db.session.get(User, manager_id))
    attributes = [
        opening_ops.add_attribute(
            opening, opening.version, competency(name), "Skills", name in must
        )
        for name in ("Design", "Testing", "Teamwork", "Writing")
    ]
    for n, name in enumerate(("Screen", "Onsite")):
        stage = opening_ops.add_stage(opening, opening.version, name)
        opening_ops.add_planned(
            stage,
            opening.version,
            title=f"{name} interview",
            kit_version=version,
            duration=None,
            panel_size=1,
            focus=attributes if twice or n == 0 else [],
        )
    db.session.commit()
    return opening.id


def opened(kit_id: int, manager_id: int) -> int:
    opening_id = build(kit_id, manager_id)
    opening = db.session.get(Opening, opening_id)
    opening_ops.set_status(opening, opening.version, OpeningStatus.OPEN)
    db.session.commit()
    return opening_id
