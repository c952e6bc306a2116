"""Pages to make and revoke API tokens: personal ones in a user's settings, service ones
for admins. A token's secret is shown once, on the page that made it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from hiring.api import tokens
from hiring.api.forms import TokenForm
from hiring.api.models import ApiToken
from hiring.domain import DomainError
from hiring.extensions import db, utcnow
from hiring.security import ADMINS, EVERYONE, allow

bp = Blueprint("api_tokens", __name__)


def _choices(allowed: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(name, f"{name}: {what}") for name, what in allowed.items()]


def _page(service: bool):
    owner = None if service else current_user
    allowed = (
        tokens.SCOPES
        if service
        else {
            name: what
            for name, what in tokens.SCOPES.items()
            if name in tokens.ROLE_SCOPES[current_user.role]
        }
    )
    form = TokenForm()
    form.scopes.choices = _choices(allowed)
    secret = made = None
    if form.validate_on_submit():
        try:
            token, secret = tokens.create(
                form.name.data, form.scopes.data, form.days.data, current_user, owner
            )
        except DomainError as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, error.message]
        else:
            db.session.commit()
            made = token
            form = TokenForm(formdata=None)
            form.scopes.choices = _choices(allowed)
    response = render_template(
        "api/tokens.html",
        form=form,
        service=service,
        secret=secret,
        made=made,
        listed=tokens.listed(owner),
        now=utcnow(),
    )
    status = 422 if request.method == "POST" and secret is None else 200
    # A secret on the page: never kept by a cache or the browser's history.
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/account/tokens", methods=["GET", "POST"])
@allow(EVERYONE)
def personal():
    """Your personal API tokens: each reads what you read."""
    return _page(service=False)


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@allow(ADMINS)
def service():
    """Service tokens, for the systems that read this one (an ATS, a report)."""
    return _page(service=True)


@bp.post("/api-tokens/<int:token_id>/revoke")
@allow(EVERYONE)
def revoke(token_id: int):
    """Revoke a token: its next call is refused. Its owner, or an admin for a service
    token."""
    token = db.get_or_404(ApiToken, token_id)
    if token.service and not current_user.is_admin:
        abort(404)
    if not token.service and token.user_id != current_user.id:
        abort(404)
    tokens.revoke(token)
    db.session.commit()
    flash(f"Revoked “{token.name}”: it no longer opens the API.", "success")
    return redirect(url_for(".service" if token.service else ".personal"))
