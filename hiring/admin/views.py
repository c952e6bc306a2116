from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hiring import inputs
from hiring.audit import queries as audit_queries
from hiring.auth import queries
from hiring.auth.forms import AuditFilterForm, RoleForm, UserForm
from hiring.auth.models import Role, User
from hiring.auth.operations import change_role, create_user, set_active
from hiring.extensions import db
from hiring.security import ADMINS, allow
from hiring.timezones import start_of_day

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@allow(ADMINS)
def users():
    """Every account, with forms to add one and change roles."""
    form = UserForm()
    if form.validate_on_submit():
        user = create_user(
            form.email.data, form.name.data, Role(form.role.data), form.password.data
        )
        db.session.commit()
        flash(f"{user.name} can now sign in as {user.role.label.lower()}.", "success")
        return redirect(url_for(".users"))
    people = queries.everyone()
    return render_template(
        "admin/users.html",
        form=form,
        people=people,
        role_forms={u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in people},
    ), 200 if request.method == "GET" else 422


@bp.post("/users/<int:user_id>/role")
@allow(ADMINS)
def user_role(user_id: int):
    """Change a user's role."""
    user = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash("Choose one of the listed roles.", "error")
    elif user.id == current_user.id:
        flash("You cannot change your own role; ask another admin.", "error")
    else:
        change_role(user, Role(form.role.data))
        db.session.commit()
        flash(f"{user.name} is now {user.role.label.lower()}.", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@allow(ADMINS)
def user_active(user_id: int):
    """Deactivate a user, or make them active again."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate yourself.", "error")
    else:
        set_active(user, not user.active)
        db.session.commit()
        state = "active again" if user.active else "deactivated; their session has ended"
        flash(f"{user.name} is {state}.", "success")
    return redirect(url_for(".users"))


@bp.get("/audit")
@allow(ADMINS)
def audit():
    """The audit log, newest first."""
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.validate()
    filters = audit_queries.Filters(
        user=(form.user.data or "").strip() if not form.user.errors else "",
        action=(form.action.data or "").strip() if not form.action.errors else "",
        subject_type=form.subject_type.data or "",
        subject_id=form.subject_id.data if not form.subject_id.errors else None,
        since=start_of_day(form.since.data),
        until=start_of_day(form.until.data, next_day=True),
    )
    page = db.paginate(audit_queries.latest(filters), page=inputs.page_arg(), per_page=50)
    return render_template("admin/audit.html", page=page, form=form)
