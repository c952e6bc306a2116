from flask import Blueprint, current_app, render_template, send_from_directory

from hiring.security import EVERYONE, allow, public

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(EVERYONE)
def index():
    return render_template("main/index.html")


@bp.get("/favicon.ico")
@public
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
