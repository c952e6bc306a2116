from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload

from hiring import inputs
from hiring.audit.operations import exported
from hiring.domain import DomainError
from hiring.extensions import db
from hiring.kits import operations as kit_ops
from hiring.kits import queries as kit_queries
from hiring.questions import pending, queries
from hiring.questions import search as full_text
from hiring.questions.forms import LEVELS, CompetencyForm, ImportForm, MergeForm, QuestionForm
from hiring.questions.matching import duplicate_pairs
from hiring.questions.models import Competency, Question
from hiring.questions.operations import (
    create_competency,
    create_question,
    delete_question,
    export_bank,
    import_batch,
    preview,
    remove_competency,
    save_competency,
    save_question,
    set_archived,
)
from hiring.questions.parsing import CompetencyData
from hiring.security import EVERYONE, MANAGERS, allow
from hiring.text import counted

bp = Blueprint("questions", __name__, url_prefix="/questions")


@bp.get("/")
@allow(EVERYONE)
def index():
    """The question bank: search and filters."""
    args = request.args
    stmt = queries.search(
        args.get("q", "")[:200],
        level=args.get("level", ""),
        role_family=args.get("family", ""),
        competency_id=inputs.arg_id("competency"),
        tag=args.get("tag", ""),
        include_archived=args.get("archived") == "1",
    ).options(selectinload(Question.competencies), selectinload(Question.tags))
    page = db.paginate(
        stmt, page=inputs.page_arg(), per_page=current_app.config["PER_PAGE"], max_per_page=100
    )
    query = args.get("q", "")[:200]
    return render_template(
        "questions/index.html",
        page=page,
        snippets=full_text.snippets(query, [q.id for q in page.items]),
        suggestion=full_text.did_you_mean(query) if page.total == 0 else None,
        **queries.filter_options(),
    )


def _question_or_404(question_id: int) -> Question:
    """A question with everything its page shows, or 404."""
    return db.first_or_404(queries.with_details(question_id))


@bp.get("/<int:question_id>")
@allow(EVERYONE)
def detail(question_id: int):
    """One question with its tiers, tips and competencies."""
    question = _question_or_404(question_id)
    return render_template(
        "questions/detail.html", question=question, kit_count=kit_queries.versions_using(question)
    )


def _form_options() -> dict:
    """What the question form offers to choose from."""
    return {"levels": LEVELS, "families": queries.role_families()}


@bp.route("/new", methods=["GET", "POST"])
@allow(MANAGERS)
def new():
    # Written from a kit builder: the new question also goes into that draft.
    """Write a question for the bank (and, from the builder, for a kit draft)."""
    kit_version = None
    if "kit_version" in request.args:
        kit_version_id = inputs.arg_id("kit_version")
        kit_version = kit_queries.version(kit_version_id) if kit_version_id else None
        if kit_version is None:
            abort(404)
    form = QuestionForm()
    if form.validate_on_submit():
        question = create_question(form.to_data())
        if kit_version is not None:
            try:
                kit_ops.add_to_draft(kit_version, question)
            except DomainError as error:
                db.session.rollback()
                flash(str(error), "error")
                return redirect(
                    url_for("kits.builder", kit_id=kit_version.kit_id, number=kit_version.number)
                )
        db.session.commit()
        flash("The question is in the bank.", "success")
        if kit_version is not None:
            return redirect(
                url_for(
                    "kits.builder",
                    kit_id=kit_version.kit_id,
                    number=kit_version.number,
                    _anchor="sections",
                )
            )
        return redirect(url_for(".detail", question_id=question.id))
    return _form_page(form, None, kit_version)


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def edit(question_id: int):
    """Edit a question."""
    question = _question_or_404(question_id)
    form = QuestionForm(question=question)
    if request.method == "GET":
        form.fill_from(question)
    if form.validate_on_submit():
        save_question(question, form.to_data())
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for(".detail", question_id=question.id))
    return _form_page(form, question)


def _form_page(form: QuestionForm, question: Question | None, kit_version=None):
    """The question form, with what it offers to choose from."""
    status = 422 if request.method == "POST" else 200
    return render_template(
        "questions/form.html",
        form=form,
        question=question,
        kit_version=kit_version,
        **_form_options(),
    ), status


@bp.post("/<int:question_id>/delete")
@allow(MANAGERS)
def delete(question_id: int):
    """Delete a question no kit uses."""
    question = db.get_or_404(Question, question_id)
    if used := kit_queries.versions_using(question):
        flash(
            f"This question is used by {counted(used, 'kit version')}, so it cannot be deleted. "
            "Archive it instead: kits keep it, new kits cannot add it.",
            "error",
        )
        return redirect(url_for(".detail", question_id=question.id))
    delete_question(question)
    db.session.commit()
    flash("The question was deleted.", "success")
    return redirect(url_for(".index"))


@bp.post("/<int:question_id>/archive")
@allow(MANAGERS)
def archive(question_id: int):
    """Archive a question, or bring it back."""
    question = db.get_or_404(Question, question_id)
    set_archived(question, not question.is_archived)
    db.session.commit()
    flash("Archived." if question.is_archived else "Back in the bank.", "success")
    return redirect(url_for(".detail", question_id=question.id))


@bp.route("/import", methods=["GET", "POST"])
@allow(MANAGERS)
def import_pages():
    """Import question pages and bank documents: all of them, or none. A new competency
    that looks like one in the catalogue is shown first, to use the existing one or not."""
    form = ImportForm()
    report, found, batch = None, [], request.form.get("batch", "")
    if form.validate_on_submit():
        if batch:
            files = pending.load(batch, current_user.id)
            problems = [] if files else ["That upload has expired: choose the files again."]
        else:
            files, problems = _read_uploads(form.files.data)
        if problems:
            for problem in problems:
                flash(problem, "error")
            batch = ""
        else:
            found, _, questions = preview(files)
            if found and not batch:
                # Decide first, seeing what will be imported; the files wait on the server.
                batch = pending.save(files, current_user.id)
                return render_template(
                    "questions/import.html",
                    form=form,
                    proposals=found,
                    questions=questions,
                    batch=batch,
                )
            decisions = {
                p.name: request.form.get(f"match-{n}", "")
                for n, p in enumerate(found)
                if request.form.get(f"match-{n}", "") in {"", *(m.name for m in p.matches)}
            }
            tags = [t for t in (form.tags.data or "").split(",") if t.strip()]
            report = import_batch(
                files,
                role_family=(form.role_family.data or "").strip() or None,
                tags=tags,
                use_existing=decisions,
            )
            if report.errors:
                db.session.rollback()
                flash("Nothing was imported: fix or leave out the files listed below.", "error")
            else:
                db.session.commit()
                pending.discard(batch)
                flash(report.summary(), "success")
                for warning in report.warnings:
                    flash(warning, "warning")
                return redirect(url_for(".index"))
    return render_template("questions/import.html", form=form, report=report), (
        422 if report and report.errors else 200
    )


def _read_uploads(uploads) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Read uploaded files within the configured limits."""
    limit_files = current_app.config["UPLOAD_MAX_FILES"]
    limit_bytes = current_app.config["UPLOAD_MAX_FILE_BYTES"]
    uploads = [u for u in uploads or [] if u and u.filename]
    if not uploads:
        return [], ["Choose one or more files to import."]
    if len(uploads) > limit_files:
        return [], [
            f"At most {limit_files} files can be imported at once; you chose {len(uploads)}."
        ]
    files, problems = [], []
    for upload in uploads:
        raw = upload.stream.read(limit_bytes + 1)
        if len(raw) > limit_bytes:
            problems.append(
                f"{upload.filename}: larger than {limit_bytes // 1024} KB, the limit per file."
            )
        files.append((upload.filename, raw))
    return files, problems


@bp.get("/export.json")
@allow(MANAGERS)
def export():
    """The whole bank as one JSON document."""
    exported("bank", "question", None)
    return Response(
        export_bank(),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=question-bank.json"},
    )


@bp.get("/competencies")
@allow(EVERYONE)
def competencies():
    """The competency catalogue, with how many questions use each."""
    rows = queries.competencies_with_use()
    merge = MergeForm()
    merge.source.choices = merge.target.choices = [(c.id, c.name) for c, _ in rows]
    by_name = {c.name: (c, n) for c, n in rows}
    duplicates = [
        (by_name[first], by_name[second], match)
        for first, second, match in duplicate_pairs(list(by_name))
    ]
    return render_template(
        "questions/competencies.html", rows=rows, merge=merge, duplicates=duplicates
    )


@bp.route("/competencies/new", methods=["GET", "POST"])
@bp.route("/competencies/<int:competency_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def competency_form(competency_id: int | None = None):
    """Add a competency, or edit one with its anchors."""
    competency = db.get_or_404(Competency, competency_id) if competency_id else None
    points = 4
    if competency is not None:
        points = max(
            [
                kit_queries.largest_scale_rating(competency.id),
                *(a.point for a in competency.anchors),
            ]
        )
    form = CompetencyForm(competency=competency, points=points)
    if request.method == "GET" and competency is not None:
        form.name.data, form.description.data = competency.name, competency.description
        for point in range(1, form.points + 1):
            getattr(form, f"anchor_{point}").data = competency.anchor_for(point)
    if form.validate_on_submit():
        data = CompetencyData(form.name.data, form.description.data, form.anchors())
        if competency is None:
            competency = create_competency(data)
        else:
            save_competency(competency, data)
        db.session.commit()
        flash(f"Saved “{competency.name}”.", "success")
        return redirect(url_for(".competencies"))
    return render_template(
        "questions/competency_form.html", form=form, competency=competency
    ), 422 if request.method == "POST" else 200


@bp.post("/competencies/<int:competency_id>/delete")
@allow(MANAGERS)
def competency_delete(competency_id: int):
    """Remove a competency nothing uses (one left behind by edits and merges)."""
    competency = db.get_or_404(Competency, competency_id)
    name = competency.name
    try:
        remove_competency(competency)
    except DomainError as error:
        db.session.rollback()
        flash(f"Not removed: {error}", "error")
    else:
        db.session.commit()
        flash(f"“{name}” is out of the catalogue.", "success")
    return redirect(url_for(".competencies"))


@bp.post("/competencies/merge")
@allow(MANAGERS)
def merge():
    """Fold one competency into another."""
    form = MergeForm()
    form.source.choices = form.target.choices = queries.competency_choices()
    if not form.validate_on_submit():
        errors = [e for field in (form.source, form.target) for e in field.errors]
        flash(" ".join(errors) or "Choose two competencies to merge.", "error")
        return redirect(url_for(".competencies"))
    source = db.session.get(Competency, form.source.data)
    target = db.session.get(Competency, form.target.data)
    try:
        kit_ops.merge_competencies(source, target)
    except DomainError as error:
        db.session.rollback()
        flash(f"Not merged: {error}", "error")
        return redirect(url_for(".competencies"))
    db.session.commit()
    flash(f"Merged into “{target.name}”; every question and kit now points there.", "success")
    return redirect(url_for(".competencies"))
