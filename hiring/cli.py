"""Command-line commands: users, demo data, the question bank, PDF exports, reminders."""

import os
import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from hiring import demo, mail, pdf, tasks
from hiring.api import tokens as api_tokens
from hiring.audit.operations import exported
from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.auth.passwords import password_problem
from hiring.debrief import digest
from hiring.documents import operations as document_ops
from hiring.documents.kinds import Spec, Unavailable, build
from hiring.documents.models import State
from hiring.documents.tasks import make, render
from hiring.domain import DomainError
from hiring.extensions import db, utcnow
from hiring.interviews import operations as interview_ops
from hiring.interviews import queries as interview_queries
from hiring.kits.models import Kit
from hiring.questions.forms import TAG_MAX, tags_too_long
from hiring.questions.operations import export_bank, import_batch, preview
from hiring.scorecards import operations as scorecard_ops
from hiring.scorecards import queries as scorecard_queries

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
    found, _, _ = preview(batch)
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
                default="e" if proposal.likely else "n",
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
    _write(out, "scorecard", scorecard_id)
    exported("scorecard", "scorecard", scorecard_id, format="pdf")


@export_pdf.command("kit")
@with_appcontext
@click.argument("kit_id", type=int)
@click.option("--version", "number", type=int, help="Version number (default: latest).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_kit(kit_id: int, number: int | None, out: Path) -> None:
    """Write a kit guide as PDF."""
    kit = db.session.get(Kit, kit_id)
    if kit is None:
        raise click.ClickException(f"there is no kit {kit_id}")
    versions = {v.number: v.id for v in kit.versions}
    number = number or max(versions)
    if number not in versions:
        raise click.ClickException(f"kit {kit_id} has no version {number}")
    _write(out, "guide", versions[number])
    exported("guide", "kit_version", versions[number])


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
    zone = current_app.config["TIME_ZONE"]
    specs = [Spec("packet", c.id, zone, None, guide) for c in candidates]
    made = _obtain_all(specs, "Exporting packets")
    failed = 0
    for candidate, data in zip(candidates, made, strict=True):
        if isinstance(data, str):
            failed += 1
            click.echo(f"candidate {candidate.id}: {data}", err=True)
            continue
        (out / f"packet-{candidate.id}.pdf").write_bytes(data)
        exported("packet", "candidate", candidate.id, guide=guide)
    db.session.commit()
    click.echo(f"Wrote {len(candidates) - failed} packet(s) to {out}.")
    if failed:
        raise click.ClickException(f"{failed} packet(s) could not be made (above)")


def _obtain_all(specs: list[Spec], label: str) -> list[bytes | str]:
    """The documents, from the store: the missing ones queued all at once (they spread
    over the workers), or laid out here when no worker runs; in place of each that
    cannot be made, why."""
    results: dict[int, bytes | str] = {}
    keys: dict[int, str] = {}
    with current_app.test_request_context():
        for n, spec in enumerate(specs):
            try:
                document = build(spec)
            except Unavailable as error:
                results[n] = str(error)
                continue
            keys[n] = document.key
            if document_ops.find(document.key) is None:
                document_ops.ask(document)
                db.session.commit()
                if tasks.runnable():
                    tasks.enqueue(render, *spec.args())
                else:
                    make(spec)
    with click.progressbar(length=len(specs), label=label) as bar:
        bar.update(len(results))
        while len(results) < len(specs):
            db.session.rollback()  # a fresh look at the store
            for n, key in keys.items():
                row = None if n in results else document_ops.find(key)
                if row is not None and row.state is State.READY:
                    results[n] = document_ops.data_of(key)
                elif row is not None and row.state is State.FAILED:
                    results[n] = row.error
                else:
                    if row is not None and row.state is State.QUEUED and not tasks.runnable():
                        with current_app.test_request_context():
                            make(specs[n])  # its worker stopped: laid out here
                    continue
                bar.update(1)
            if len(results) < len(specs):
                time.sleep(0.2)
    return [results[n] for n in range(len(specs))]


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
    # It holds password hashes and candidates' data: readable by its owner only, as the
    # secret key is (its journal too, hence the umask while it is written).
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    umask = os.umask(0o077)
    source = sqlite3.connect(url.database, timeout=30)
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target, pages=1024)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
        os.umask(umask)
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


def _write(out: Path, kind: str, ident: int) -> None:
    spec = Spec(kind, ident, current_app.config["TIME_ZONE"])
    (data,) = _obtain_all([spec], f"Rendering {out.name}")
    if isinstance(data, str):
        raise click.ClickException(data)
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
            due = scorecard_queries.due_reminders(
                utcnow(), config["OVERDUE_HOURS"], config["REMINDER_HOURS"]
            )
            for scorecard in due:
                click.echo(f"Would remind {scorecard_ops.describe_reminder(scorecard)}")
            return
        reminded = scorecard_ops.remind_overdue(config["OVERDUE_HOURS"], config["REMINDER_HOURS"])
        for line in reminded:
            click.echo(f"Reminded {line}")
        delivery = mail.deliver_due(limit=10_000)
    click.echo(
        f"{len(reminded)} reminder(s) queued; {delivery.sent} e-mail(s) sent"
        + (f", {delivery.failed} failed and will be retried" if delivery.failed else "")
        + "."
    )


@click.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Make this week's managers' digests not made yet (from Monday 08:00 on, the
    organisation's time), then send every e-mail due. The task worker does this each
    hour; this is for those who run cron instead. Each digest goes once a week."""
    config = current_app.config
    with current_app.test_request_context(base_url=config["BASE_URL"] or None):
        sent = digest.send_digests()
        for address in sent:
            click.echo(f"Digest queued for {address}")
        delivery = mail.deliver_due(limit=10_000)
    click.echo(f"{len(sent)} digest(s) queued; {delivery.sent} e-mail(s) sent.")


@click.command("worker")
@with_appcontext
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, help="Tasks run at once (processes)."
)
def worker_command(workers: int) -> None:
    """Run the task queue: documents, e-mail, figures, reminders and clean-ups, at a lower
    CPU priority than the web workers. One per host is usual; several are fine."""
    if workers == 1:
        # Warmed here, the one worker lays out the first document at full speed. Process
        # workers each load WeasyPrint on their first document: its font and text
        # libraries do not survive a fork once loaded.
        pdf.warm()
    tasks.work(current_app._get_current_object(), workers)


@click.command("api-token")
@with_appcontext
@click.argument("email")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(sorted(api_tokens.SCOPES)),
    help="A scope (repeatable); none: every scope the user's role allows.",
)
@click.option("--days", type=click.Choice(["30", "90", "365"]), default="30", show_default=True)
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="The app's address."
)
def api_token_command(email: str, scopes: tuple[str, ...], days: str, url: str) -> None:
    """Make a personal API token for a user and print a curl call that uses it."""
    user = find_user(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active user has the e-mail {email}")
    chosen = list(scopes) or sorted(api_tokens.ROLE_SCOPES[user.role])
    try:
        _, secret = api_tokens.create("Command line", chosen, int(days), user, user)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    path = "openings" if "openings:read" in chosen else "users" if "users:read" in chosen else ""
    click.echo(f"A personal token for {user.email} ({', '.join(chosen)}), for {days} days:")
    click.echo(secret)
    if path:
        click.echo(f"curl -H 'Authorization: Bearer {secret}' {url.rstrip('/')}/api/v1/{path}")


COMMANDS = [
    api_token_command,
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
    send_digests_command,
]


def register(app: Flask) -> None:
    """Add the commands to `flask --app hiring`."""
    for command in COMMANDS:
        app.cli.add_command(command)
