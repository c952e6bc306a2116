from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length


class DecisionForm(FlaskForm):
    outcome = RadioField("Decision", validators=[DataRequired("Choose a decision.")])
    rationale = TextAreaField(
        "Rationale",
        validators=[
            DataRequired("Say why: the rationale is what the decision is judged by later."),
            Length(max=20_000),
        ],
        description="What the panel's evidence showed, and what tipped it.",
        render_kw={"rows": 4, "dir": "auto"},
    )
