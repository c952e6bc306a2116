"""Pages to make and revoke API tokens: personal ones in a user's settings, service ones
for admins. A token's secret is shown once, on the page that made it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hiring import webhooks
from hiring.api import tokens
from hiring.api.forms import TokenForm, WebhookForm
from hiring.api.models import ApiToken
from hiring.audit.operations import record
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


def _webhook_form() -> WebhookForm:
    form = WebhookForm()
    form.events.choices = [SelectChoice(e, f"{e}: {what}") for e, what in webhooks.EVENTS.items()]
    return form


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@allow(ADMINS)
def hooks():
    """Webhook endpoints: where events are sent, signed."""
    form = _webhook_form()
    if form.validate_on_submit():
        url = form.url.data.strip()
        problem = webhooks.refused(url)
        if problem:
            form.url.errors = [*form.url.errors, problem]
        else:
            endpoint = webhooks.WebhookEndpoint(
                url=url,
                description=(form.description.data or "").strip(),
                events=sorted(form.events.data),
                secret=webhooks.new_secret(),
                created_by_id=current_user.id,
            )
            db.session.add(endpoint)
            db.session.flush()
            record("webhook.create", "webhook", endpoint.id, url=url, events=endpoint.events)
            db.session.commit()
            flash("Endpoint added: events are signed with the secret shown below.", "success")
            return redirect(url_for(".hook", endpoint_id=endpoint.id))
    endpoints = db.session.scalars(
        select(webhooks.WebhookEndpoint).order_by(webhooks.WebhookEndpoint.id)
    ).all()
    return render_template("api/webhooks.html", form=form, endpoints=endpoints), (
        422 if request.method == "POST" else 200
    )


@bp.get("/admin/webhooks/<int:endpoint_id>")
@allow(ADMINS)
def hook(endpoint_id: int):
    """One endpoint: its secret, and its latest deliveries with what each met."""
    endpoint = db.get_or_404(webhooks.WebhookEndpoint, endpoint_id)
    deliveries = db.session.scalars(
        select(webhooks.WebhookDelivery)
        .where(webhooks.WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(webhooks.WebhookDelivery.id.desc())
        .limit(100)
    ).all()
    return (
        render_template(
            "api/webhook.html", endpoint=endpoint, deliveries=deliveries, events=webhooks.EVENTS
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.post("/admin/webhooks/<int:endpoint_id>/active")
@allow(ADMINS)
def hook_active(endpoint_id: int):
    """Turn an endpoint off (nothing is queued for it) or on again."""
    endpoint = db.get_or_404(webhooks.WebhookEndpoint, endpoint_id)
    endpoint.active = not endpoint.active
    record("webhook.active", "webhook", endpoint.id, active=endpoint.active)
    db.session.commit()
    flash(f"The endpoint is {'on' if endpoint.active else 'off'}.", "success")
    return redirect(url_for(".hook", endpoint_id=endpoint.id))


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/resend")
@allow(ADMINS)
def hook_resend(delivery_id: int):
    """Send a delivery again now, with its message id (receivers drop a repeat)."""
    delivery = db.get_or_404(webhooks.WebhookDelivery, delivery_id)
    webhooks.resend(delivery)
    record("webhook.resend", "webhook", delivery.endpoint_id, delivery=delivery.id)
    db.session.commit()
    flash(f"Sent again: {delivery.event} ({delivery.state}).", "success")
    return redirect(url_for(".hook", endpoint_id=delivery.endpoint_id))
