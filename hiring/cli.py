"""Command-line commands: users, demo data, the question bank, PDF exports, reminders."""

import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hiring import demo, jobs, mail, pdf
from hiring.audit.operations import exported
from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.auth.passwords import password_problem
from hiring.debrief import documents
from hiring.extensions import db, utcnow
from hiring.interviews import operations as interview_ops
from hiring.interviews import queries as interview_queries
from hiring.interviews.models import Scorecard
from hiring.kits import queries as kit_queries
from hiring.kits.models import Kit
from hiring.pdf import PdfError, budget
from hiring.questions.forms import TAG_MAX, tags_too_long
from hiring.questions.operations import export_bank, import_batch, preview

IMPORTABLE = (".txt", ".json")


def _collect(paths: tuple[Path, ...]) -> list[Path]:
    """The files named, and the .txt and .json files inside the folders named."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in IMPORTABLE)
        else:
            files.append(path)
    return files


def _read_password() -> str:
    """Prompt for a password on a terminal; read one line from standard input otherwise."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.INTERVIEWER.value,
    show_default=True,
)
def create_user_command(email: str, name: str, role: str) -> None:
    """Create a user; the password is read from a prompt or standard input."""
    if find_user(email) is not None:
        raise click.ClickException(f"a user with the e-mail {email} already exists")
    password = _read_password()
    if len(password) < 12:
        raise click.ClickException("the password must have at least 12 characters")
    if problem := password_problem(password):
        raise click.ClickException(problem)
    user = create_user(email, name, Role(role), password)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo accounts and content; safe to run again."""
    logins = demo.load()
    db.session.commit()
    click.echo("Demo data is ready. Sign in with:")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email:<28} {password}")


@click.command("import-questions")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--role-family", help="Role family of every imported question.")
@click.option("--tag", "tags", multiple=True, help="A tag to add (repeatable).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid files, list the invalid ones.")
@click.option(
    "--match-competencies",
    type=click.Choice(["ask", "existing", "new"]),
    help="A new competency that looks like one in the catalogue: ask (the default at a "
    "terminal), use the existing one, or create it anyway (the default otherwise).",
)
def import_questions_command(paths, role_family, tags, skip_invalid, match_competencies) -> None:
    """Import question pages (.txt) and bank documents (.json): all, or none."""
    if tags_too_long(tags):
        raise click.ClickException(f"each tag has at most {TAG_MAX} characters")
    files = _collect(paths)
    if not files:
        raise click.ClickException("no .txt or .json files found")
    batch = [(str(p), p.read_bytes()) for p in files]
    mode = match_competencies or ("ask" if sys.stdin.isatty() else "new")
    found, _ = preview(batch)
    decisions = {}
    for proposal in found:
        best = proposal.matches[0]
        if mode == "existing":
            decisions[proposal.name] = best.name
            click.echo(f"“{proposal.name}” → existing “{best.name}” ({best.why})")
        elif mode == "ask":
            answer = click.prompt(
                f"“{proposal.name}” looks like “{best.name}” ({best.why}). "
                "Use the existing one (e) or create a new one (n)?",
                type=click.Choice(["e", "n"]),
                default="e",
            )
            decisions[proposal.name] = best.name if answer == "e" else ""
    report = import_batch(
        batch,
        role_family=role_family,
        tags=list(tags),
        skip_invalid=skip_invalid,
        use_existing=decisions,
    )
    for error in report.errors:
        click.echo(f"refused: {error}", err=True)
    if report.errors and not skip_invalid:
        db.session.rollback()
        raise click.ClickException(
            f"{len(report.errors)} of {len(files)} file(s) are not question pages; "
            "nothing was imported (--skip-invalid imports the others)"
        )
    db.session.commit()
    for warning in report.warnings:
        click.echo(f"note: {warning}", err=True)
    for lookalike in report.lookalikes:
        click.echo(
            f"note: created “{lookalike.name}”, which looks like “{lookalike.matches[0].name}”; "
            "merge them on the competencies page if they are the same",
            err=True,
        )
    click.echo(report.summary())
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} file(s) were skipped")


@click.command("export-questions")
@with_appcontext
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_questions_command(out: Path) -> None:
    """Write the whole question bank as one JSON document."""
    out.write_text(export_bank(), encoding="utf-8")
    exported("bank", "question", None)
    click.echo(f"Wrote {out}.")


@click.group("export-pdf")
@with_appcontext
def export_pdf() -> None:
    """Export one PDF: a scorecard or a kit guide."""


@export_pdf.command("scorecard")
@with_appcontext
@click.argument("scorecard_id", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_scorecard(scorecard_id: int, out: Path) -> None:
    """Write one interviewer's scorecard as PDF (drafts are marked)."""
    with current_app.test_request_context():
        scorecard = db.session.scalar(
            interview_queries.scorecards_with_content().where(Scorecard.id == scorecard_id)
        )
        if scorecard is None:
            raise click.ClickException(f"there is no scorecard {scorecard_id}")
        _write(out, documents.scorecard_document(scorecard))
        exported("scorecard", "scorecard", scorecard.id, format="pdf")


@export_pdf.command("kit")
@with_appcontext
@click.argument("kit_id", type=int)
@click.option("--version", "number", type=int, help="Version number (default: latest).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_kit(kit_id: int, number: int | None, out: Path) -> None:
    """Write a kit guide as PDF."""
    with current_app.test_request_context():
        kit = db.session.get(Kit, kit_id)
        if kit is None:
            raise click.ClickException(f"there is no kit {kit_id}")
        number = number or kit.versions[-1].number
        if number not in {v.number for v in kit.versions}:
            raise click.ClickException(f"kit {kit_id} has no version {number}")
        version = db.session.scalar(kit_queries.version_for_builder(kit_id, number))
        _write(out, documents.guide_document(version))
        exported("guide", "kit_version", version.id)


@click.command("export-packets")
@with_appcontext
@click.option(
    "--candidate", "candidate_ids", type=int, multiple=True, help="A candidate id (repeatable)."
)
@click.option("--kit", "kit_id", type=int, help="Only candidates interviewed with this kit.")
@click.option("--guide", is_flag=True, help="Append the kit guide to each packet.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
def export_packets(candidate_ids, kit_id, guide, out: Path) -> None:
    """Write one packet per candidate (default: every candidate with a submitted scorecard)."""
    candidates = db.session.scalars(
        interview_queries.candidates_with_submissions(candidate_ids, kit_id)
    ).all()
    missing = set(candidate_ids) - {c.id for c in candidates}
    if missing:
        click.echo(f"no submitted scorecard for candidate(s) {sorted(missing)}", err=True)
    if not candidates:
        raise click.ClickException("no candidate has a submitted scorecard to export")
    out.mkdir(parents=True, exist_ok=True)
    with current_app.test_request_context():
        wanted = [
            documents.packet_document(
                candidate, interview_queries.submitted_for_packet(candidate.id, guide), guide
            )
            for candidate in candidates
        ]
        made = _obtain_all(wanted, "Exporting packets")
        failed = 0
        for candidate, data in zip(candidates, made, strict=True):
            if isinstance(data, PdfError):
                failed += 1
                click.echo(f"candidate {candidate.id}: {data}", err=True)
                continue
            (out / f"packet-{candidate.id}.pdf").write_bytes(data)
            exported("packet", "candidate", candidate.id, guide=guide)
    click.echo(f"Wrote {len(candidates) - failed} packet(s) to {out}.")
    if failed:
        raise click.ClickException(f"{failed} packet(s) could not be made (above)")


def _obtain_all(wanted: list, label: str) -> list:
    """The documents' renderings, from the job workers, all queued at once (they fan out
    over the workers), with progress; a PdfError in place of each that cannot be made."""
    results: dict[int, bytes | PdfError] = {}
    asked: set[int] = set()
    shown = ""
    with click.progressbar(length=len(wanted), label=label) as bar:
        while len(results) < len(wanted):
            for n, document in enumerate(wanted):
                if n in results:
                    continue
                try:
                    with budget():
                        # A job that failed is tried once more, on the first look only.
                        result = documents.obtain(document, 0, retry=n not in asked)
                        asked.add(n)
                except PdfError as error:
                    result = error
                if isinstance(result, jobs.Status):
                    if len(wanted) == 1 and result.label and result.label != shown:
                        shown = result.label
                        click.echo(f" {shown}…", err=True)
                    continue
                results[n] = result
                bar.update(1)
            if len(results) < len(wanted):
                time.sleep(0.2)  # the workers need the cores more than this loop
    return [results[n] for n in range(len(wanted))]


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH, consistently, while the app may be writing."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "backup copies a SQLite database file; for PostgreSQL use pg_dump (see README)"
        )
    if path.exists():
        raise click.ClickException(f"{path} exists; choose a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup API copies a consistent snapshot page by page, and never
    # half a write-ahead log as a copy of the files could.
    source = sqlite3.connect(url.database, timeout=30)
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target, pages=1024)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {check}")
    click.echo(f"Backed up to {path} ({path.stat().st_size // 1024} KB, integrity ok).")


@click.command("purge-candidates")
@with_appcontext
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    help="Delete candidates with no interview or edit in this many days.",
)
@click.option("--dry-run", is_flag=True, help="List who would be deleted; delete nobody.")
def purge_candidates_command(days: int, dry_run: bool) -> None:
    """Apply a retention rule: delete candidates added over DAYS ago with no interview
    since, with all their data; the audit keeps that it happened."""
    stale = interview_queries.candidates_untouched_since(utcnow() - timedelta(days=days))
    for candidate in stale:
        click.echo(f"{'would delete' if dry_run else 'deleting'} candidate {candidate.id}")
        if not dry_run:
            interview_ops.delete_candidate(candidate, reason=f"retention: {days} days")
    if not dry_run:
        db.session.commit()
    click.echo(
        f"{len(stale)} candidate(s) {'would be' if dry_run else 'were'} deleted "
        f"(added over {days} days ago, no interview since)."
    )


def _write(out: Path, document) -> None:
    (data,) = _obtain_all([document], f"Rendering {out.name}")
    if isinstance(data, PdfError):
        raise click.ClickException(str(data))
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data) // 1024} KB).")


@click.command("send-reminders")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List who would be reminded; send nothing.")
def send_reminders(dry_run: bool) -> None:
    """Remind interviewers of overdue scorecards (once per HIRING_REMINDER_HOURS each),
    then send every e-mail due, retries included. Safe to run from cron, twice, or at once
    on several hosts: each reminder and each message is claimed before it goes."""
    config = current_app.config
    with current_app.test_request_context(base_url=config["BASE_URL"] or None):
        if dry_run:
            due = interview_queries.due_reminders(
                utcnow(), config["OVERDUE_HOURS"], config["REMINDER_HOURS"]
            )
            for scorecard in due:
                click.echo(f"Would remind {interview_ops.describe_reminder(scorecard)}")
            return
        reminded = interview_ops.remind_overdue(config["OVERDUE_HOURS"], config["REMINDER_HOURS"])
        for line in reminded:
            click.echo(f"Reminded {line}")
        delivery = mail.deliver_due(limit=10_000)
    click.echo(
        f"{len(reminded)} reminder(s) queued; {delivery.sent} e-mail(s) sent"
        + (f", {delivery.failed} failed and will be retried" if delivery.failed else "")
        + "."
    )


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs (document renders, e-mail) from Redis. Start one per core, on
    as many hosts as needed."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException(
            "HIRING_REDIS_URL is not set: without Redis, jobs run inside the app's own "
            "processes and no worker is needed"
        )
    pdf.warm()
    jobs.work(burst=burst)


COMMANDS = [
    worker_command,
    create_user_command,
    demo_command,
    import_questions_command,
    export_questions_command,
    export_pdf,
    export_packets,
    backup_command,
    purge_candidates_command,
    send_reminders,
]


def register(app: Flask) -> None:
    """Add the commands to `flask --app hiring`."""
    for command in COMMANDS:
        app.cli.add_command(command)
