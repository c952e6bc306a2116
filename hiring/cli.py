"""Command-line commands: users, demo data, question bank import and export."""

import sys
from pathlib import Path

import click
from flask import Flask

from hiring import demo
from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.extensions import db
from hiring.questions.operations import export_bank, import_batch

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


def register(app: Flask) -> None:
    @app.cli.command("create-user")
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
        user = create_user(email, name, Role(role), password)
        db.session.commit()
        click.echo(f"Created {user.role.value} {user.email}.")

    @app.cli.command("demo")
    def demo_command() -> None:
        """Load demo accounts and content; safe to run again."""
        logins = demo.load()
        db.session.commit()
        click.echo("Demo data is ready. Sign in with:")
        for role, email, password in logins:
            click.echo(f"  {role:<12} {email:<28} {password}")

    @app.cli.command("import-questions")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
    @click.option("--role-family", help="Role family of every imported question.")
    @click.option("--tag", "tags", multiple=True, help="A tag to add (repeatable).")
    @click.option(
        "--skip-invalid", is_flag=True, help="Import the valid files, list the invalid ones."
    )
    def import_questions_command(paths, role_family, tags, skip_invalid) -> None:
        """Import question pages (.txt) and bank documents (.json): all, or none."""
        files = _collect(paths)
        if not files:
            raise click.ClickException("no .txt or .json files found")
        report = import_batch(
            [(str(p), p.read_bytes()) for p in files],
            role_family=role_family,
            tags=list(tags),
            skip_invalid=skip_invalid,
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
        click.echo(
            f"Imported {report.imported} question(s): {report.created} new, "
            f"{report.updated} updated; {report.competencies} new competencies."
        )
        if report.errors:
            raise click.ClickException(f"{len(report.errors)} file(s) were skipped")

    @app.cli.command("export-questions")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def export_questions_command(out: Path) -> None:
        """Write the whole question bank as one JSON document."""
        out.write_text(export_bank(), encoding="utf-8")
        click.echo(f"Wrote {out}.")
