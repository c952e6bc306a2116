from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class AmendForm(FlaskForm):
    reason = TextAreaField(
        "Why does this scorecard change?",
        validators=[DataRequired(message="Give the reason for the amendment."), Length(max=1000)],
        description="Kept with the original in the scorecard's history.",
    )


class SubmitForm(FlaskForm):
    # The version the page last saved or loaded: a scorecard changed since is not
    # submitted unseen.
    version = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])
