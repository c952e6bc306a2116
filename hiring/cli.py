"""Command-line commands: users, demo data."""

import sys

import click
from flask import Flask

from hiring import demo
from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.extensions import db


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
