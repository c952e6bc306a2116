from collections.abc import Callable

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from hiring.domain import DomainError, Kind
from hiring.extensions import db
from hiring.inputs import as_count, as_id
from hiring.interviews import queries as interview_queries
from hiring.kits import operations as ops
from hiring.kits import queries
from hiring.kits.forms import (
    AddCompetencyForm,
    AddQuestionForm,
    AnchorsForm,
    DetailsForm,
    ItemForm,
    KitForm,
    LockedForm,
    MoveForm,
    PublishForm,
    RecommendationScaleForm,
    ScaleForm,
    SectionForm,
)
from hiring.kits.models import (
    Kit,
    KitVersion,
    VersionState,
)
from hiring.questions import queries as bank
from hiring.questions.models import Competency, Question
from hiring.security import EVERYONE, MANAGERS, allow
from hiring.text import short

bp = Blueprint("kits", __name__, url_prefix="/kits")

VERSION = "/<int:kit_id>/v/<int:number>"


def load_version(kit_id: int, number: int) -> KitVersion:
    """A kit version with everything the builder and the guide show, in a few queries."""
    return db.first_or_404(queries.version_for_builder(kit_id, number))


@bp.get("/")
@allow(MANAGERS)
def index():
    """Kits and their versions."""
    show_archived = request.args.get("archived") == "1"
    kits = db.session.scalars(queries.kits(include_archived=show_archived)).all()
    return render_template("kits/index.html", kits=kits, show_archived=show_archived)


@bp.route("/new", methods=["GET", "POST"])
@allow(MANAGERS)
def new():
    """Start a kit: its first version is a draft."""
    form = KitForm()
    if form.validate_on_submit():
        kit = ops.create_kit(
            form.title.data,
            form.role.data,
            purpose=form.purpose.data or "",
            duration=form.duration.data,
            briefing=form.briefing.data or "",
            created_by_id=current_user.id,
        )
        db.session.commit()
        flash("Kit created. Add questions from the bank to build it.", "success")
        return redirect(url_for(".builder", kit_id=kit.id, number=1))
    return render_template("kits/new.html", form=form), 422 if request.method == "POST" else 200


@bp.get(VERSION)
@allow(MANAGERS)
def builder(kit_id: int, number: int):
    """The kit builder: sections, questions, scorecard and scale of one version."""
    version = load_version(kit_id, number)
    query = request.args.get("q", "")[:200]
    results = []
    if query and version.state is VersionState.DRAFT:
        in_kit = {item.question_id for item in version.items}
        results = [
            q for q in db.session.scalars(bank.search(query).limit(30)) if q.id not in in_kit
        ]
    rated = {kc.competency_id for kc in version.competencies}
    catalogue = bank.competency_choices()
    draft = version.state is VersionState.DRAFT
    return render_template(
        "kits/builder.html",
        version=version,
        kit=version.kit,
        editable=draft,
        query=query,
        results=results,
        catalogue=[(cid, name) for cid, name in catalogue if cid not in rated],
        warnings=ops.scorecard_warnings(version),
        suggestions=ops.suggested_competencies(version),
        focused=ops.FOCUSED,
        publish_warnings=ops.publish_warnings(version) if draft else [],
        publish_blockers=ops.publish_blockers(version) if draft else [],
        details=DetailsForm(
            title=version.kit.title,
            role=version.kit.role,
            purpose=version.purpose,
            duration=version.duration_minutes,
            briefing=version.briefing,
            lock=version.lock,
        ),
    )


def change(kit_id: int, number: int, form: LockedForm, apply: Callable, anchor: str = ""):
    """Validate `form`, claim the draft, apply the change and go back to the builder."""
    version = load_version(kit_id, number)
    target = url_for(".builder", kit_id=kit_id, number=number, _anchor=anchor or None)
    if not form.validate_on_submit():
        errors = [
            f"{f.label.text}: {e}" if f.label.text else e
            for f in form
            if f.errors
            for e in f.errors
        ]
        flash(" ".join(errors) or "That change could not be read.", "error")
        return redirect(target)
    try:
        ops.claim_draft(version, form.seen_lock)
        message = apply(version)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(target)
    if message:
        flash(message, "success")
    return redirect(target)


def find(rows, row_id: int):
    """The row with this id among a version's rows, or 404 (ids of other kits included)."""
    return next((row for row in rows if row.id == row_id), None) or abort(404)


@bp.post(f"{VERSION}/details")
@allow(MANAGERS)
def details(kit_id: int, number: int):
    """Save a draft's title, role, purpose, length and briefing."""
    form = DetailsForm()

    def apply(version):
        ops.update_details(
            version,
            title=form.title.data,
            role=form.role.data,
            purpose=form.purpose.data or "",
            duration=form.duration.data,
            briefing=form.briefing.data or "",
        )
        return "Details saved."

    return change(kit_id, number, form, apply, "details")


@bp.post(f"{VERSION}/sections")
@allow(MANAGERS)
def section_add(kit_id: int, number: int):
    """Add a section to a draft."""
    form = SectionForm()
    return change(
        kit_id, number, form, lambda v: ops.add_section(v, form.title.data) and None, "sections"
    )


@bp.post(f"{VERSION}/sections/<int:section_id>")
@allow(MANAGERS)
def section_rename(kit_id: int, number: int, section_id: int):
    """Rename a section."""
    form = SectionForm()
    return change(
        kit_id,
        number,
        form,
        lambda v: ops.rename_section(find(v.sections, section_id), form.title.data),
        f"section-{section_id}",
    )


@bp.post(f"{VERSION}/sections/<int:section_id>/delete")
@allow(MANAGERS)
def section_delete(kit_id: int, number: int, section_id: int):
    """Delete a section and its questions from a draft."""
    return change(
        kit_id,
        number,
        LockedForm(),
        lambda v: ops.delete_section(v, find(v.sections, section_id)),
        "sections",
    )


@bp.post(f"{VERSION}/sections/<int:section_id>/move")
@allow(MANAGERS)
def section_move(kit_id: int, number: int, section_id: int):
    """Move a section up or down."""
    form = MoveForm()
    return change(
        kit_id,
        number,
        form,
        lambda v: ops.move_section(v, find(v.sections, section_id), form.offset),
        f"section-{section_id}",
    )


@bp.post(f"{VERSION}/items")
@allow(MANAGERS)
def item_add(kit_id: int, number: int):
    """Add a bank question to a section of a draft."""
    form = AddQuestionForm()

    def apply(version):
        section = find(version.sections, form.section_id.data)
        rated = {kc.competency_id for kc in version.competencies}
        added = []
        for question_id in dict.fromkeys(form.question_id.data):
            question = db.session.get(Question, question_id)
            if question is None:
                raise DomainError(Kind.NOT_FOUND, "That question does not exist (any more).")
            added.append(ops.add_question(version, section, question))
        if len(added) == 1:
            message = f"Added to “{section.title}”: {short(added[0].question.prompt)}."
        else:
            message = f"Added {len(added)} questions to “{section.title}”."
        new = dict.fromkeys(
            c.name for item in added for c in item.question.competencies if c.id not in rated
        )
        if new:
            they = "It evaluates" if len(added) == 1 else "They evaluate"
            message += f" {they} {', '.join(new)}: rate them from the suggestions."
        return message

    return change(kit_id, number, form, apply, "sections")


@bp.post(f"{VERSION}/items/<int:item_id>")
@allow(MANAGERS)
def item_update(kit_id: int, number: int, item_id: int):
    """Save a question's planned minutes and probes."""
    form = ItemForm()

    def apply(version):
        ops.update_item(
            find(version.items, item_id), minutes=form.minutes.data, probes=form.probes.data or ""
        )
        return "Saved."

    return change(kit_id, number, form, apply, f"item-{item_id}")


@bp.post(f"{VERSION}/items/<int:item_id>/delete")
@allow(MANAGERS)
def item_delete(kit_id: int, number: int, item_id: int):
    """Take a question out of a draft."""
    return change(
        kit_id, number, LockedForm(), lambda v: ops.remove_item(find(v.items, item_id)), "sections"
    )


@bp.post(f"{VERSION}/items/<int:item_id>/move")
@allow(MANAGERS)
def item_move(kit_id: int, number: int, item_id: int):
    """Move a question up or down."""
    form = MoveForm()
    return change(
        kit_id,
        number,
        form,
        lambda v: ops.move_item(v, find(v.items, item_id), form.offset),
        f"item-{item_id}",
    )


def _read_order(body) -> tuple[list | None, int | None]:
    """The layout and lock of an order body, or None for what cannot be read."""
    if not isinstance(body, dict) or not isinstance(body.get("layout"), list):
        return None, None
    layout = []
    for entry in body["layout"]:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            return None, None
        section, items = as_id(entry[0]), [as_id(i) for i in entry[1]]
        if section is None or None in items:
            return None, None
        layout.append((section, items))
    return layout, as_count(body.get("lock"))


@bp.post(f"{VERSION}/order")
@allow(MANAGERS)
def reorder(kit_id: int, number: int):
    """Save the order dragged in the builder: {"lock": n, "layout": [[section, [items]]]}."""
    version = load_version(kit_id, number)
    body = request.get_json(silent=True)
    layout, lock = _read_order(body)
    if layout is None or lock is None:
        return jsonify(error="The order could not be read."), 400
    try:
        ops.claim_draft(version, lock)
        ops.reorder(version, layout)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error)), error.kind.value
    return jsonify(lock=version.lock)


@bp.post(f"{VERSION}/competencies")
@allow(MANAGERS)
def competency_add(kit_id: int, number: int):
    """Rate a competency on the draft's scorecard."""
    form = AddCompetencyForm()

    def apply(version):
        competency = db.session.get(Competency, form.competency_id.data)
        if competency is None:
            raise DomainError(Kind.NOT_FOUND, "That competency does not exist (any more).")
        ops.add_competency(version, competency)
        return f"“{competency.name}” is now rated."

    return change(kit_id, number, form, apply, "scorecard")


@bp.post(f"{VERSION}/competencies/<int:kc_id>")
@allow(MANAGERS)
def competency_anchors(kit_id: int, number: int, kc_id: int):
    """Save the draft's anchors for a rated competency."""
    form = AnchorsForm()

    def apply(version):
        ops.set_anchors(find(version.competencies, kc_id), form.anchors(len(version.scale)))
        return "Anchors saved."

    return change(kit_id, number, form, apply, f"kc-{kc_id}")


@bp.post(f"{VERSION}/competencies/<int:kc_id>/delete")
@allow(MANAGERS)
def competency_delete(kit_id: int, number: int, kc_id: int):
    """Stop rating a competency."""
    return change(
        kit_id,
        number,
        LockedForm(),
        lambda v: ops.remove_competency(v, find(v.competencies, kc_id)),
        "scorecard",
    )


@bp.post(f"{VERSION}/competencies/<int:kc_id>/move")
@allow(MANAGERS)
def competency_move(kit_id: int, number: int, kc_id: int):
    """Move a rated competency up or down."""
    form = MoveForm()
    return change(
        kit_id,
        number,
        form,
        lambda v: ops.move_competency(v, find(v.competencies, kc_id), form.offset),
        f"kc-{kc_id}",
    )


@bp.post(f"{VERSION}/scale")
@allow(MANAGERS)
def scale(kit_id: int, number: int):
    """Save the draft's rating scale. A change in the number of points moves the anchors
    by meaning, shown for review first; the reviewed anchors are saved with the scale."""
    form = ScaleForm()
    version = load_version(kit_id, number)
    if (
        form.validate_on_submit()
        and version.state is VersionState.DRAFT
        and form.points.data != len(version.scale)
        and any(kc.anchors for kc in version.competencies)
        and request.form.get("reviewed") != "1"
    ):
        old, new = len(version.scale), form.points.data
        proposals = [(kc, *ops.remap_anchors(kc.anchors, old, new)) for kc in version.competencies]
        return render_template(
            "kits/scale_review.html",
            version=version,
            kit=version.kit,
            labels=form.labels(),
            old=old,
            new=new,
            proposals=proposals,
        )

    def apply(version):
        old = len(version.scale)
        ops.set_scale(version, form.labels())
        if request.form.get("reviewed") == "1":
            for kc in version.competencies:
                ops.set_anchors(
                    kc,
                    {
                        p: request.form.get(f"anchor_{kc.id}_{p}", "")[:2000]
                        for p in range(1, len(version.scale) + 1)
                    },
                )
            return f"Rating scale saved: {old} to {len(version.scale)} points, anchors as reviewed."
        return "Rating scale saved."

    return change(kit_id, number, form, apply, "scale")


@bp.post(f"{VERSION}/recommendation")
@allow(MANAGERS)
def recommendation_scale(kit_id: int, number: int):
    """Save the draft's overall-recommendation scale: 2 to 5 points, the team's labels."""
    form = RecommendationScaleForm()

    def apply(version):
        ops.set_recommendation_scale(version, form.labels())
        return "Recommendation scale saved."

    return change(kit_id, number, form, apply, "recommendation-scale")


@bp.post(f"{VERSION}/publish")
@allow(MANAGERS)
def publish(kit_id: int, number: int):
    """Publish a draft for use in interviews."""

    form = PublishForm()

    def apply(version):
        ops.refuse_unpublishable(version)
        warnings = ops.publish_warnings(version)
        if warnings and form.anyway.data != "1":
            raise DomainError(
                Kind.CONFLICT,
                "Not published yet: " + " ".join(warnings) + " Fix them, or publish anyway.",
            )
        ops.publish(version)
        return f"Version {version.number} is published: interviews can now use it."

    return change(kit_id, number, form, apply, "publish")


@bp.post("/<int:kit_id>/edit")
@allow(MANAGERS)
def edit(kit_id: int):
    """Start a new draft from the latest version."""
    kit = db.get_or_404(Kit, kit_id)
    version = ops.draft_of(kit)
    db.session.commit()
    return redirect(url_for(".builder", kit_id=kit.id, number=version.number))


@bp.post(f"{VERSION}/duplicate")
@allow(MANAGERS)
def duplicate(kit_id: int, number: int):
    """Make a new kit from a version."""
    version = load_version(kit_id, number)
    kit = ops.duplicate(version, current_user.id)
    db.session.commit()
    flash(f"“{kit.title}” is a new kit made from version {number}.", "success")
    return redirect(url_for(".builder", kit_id=kit.id, number=1))


@bp.post("/<int:kit_id>/archive")
@allow(MANAGERS)
def archive(kit_id: int):
    """Archive a kit, or bring it back into use."""
    kit = db.get_or_404(Kit, kit_id)
    ops.set_archived(kit, kit.archived_at is None)
    db.session.commit()
    flash(f"“{kit.title}” is {'archived' if kit.archived_at else 'back in use'}.", "success")
    return redirect(url_for(".index"))


@bp.get(f"{VERSION}/guide")
@allow(EVERYONE)
def guide(kit_id: int, number: int):
    """The kit guide to read before the interview."""
    version = load_version(kit_id, number)
    if not interview_queries.may_read_guide(current_user, version):
        abort(403)
    return render_template("kits/guide.html", version=version, kit=version.kit)
