from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class AmendForm(FlaskForm):
    reason = TextAreaField(
        "Why does this scorecard change?",
        validators=[DataRequired(message="Give the reason for the amendment."), Length(max=1000)],
        description="Kept with the original in the scorecard's history.",
    )
