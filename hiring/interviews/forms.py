from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional


class CandidateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[Optional(), Email(), Length(max=254)])
    role = StringField("Role applied for", validators=[Optional(), Length(max=200)])
    source = StringField(
        "Source",
        validators=[Optional(), Length(max=100)],
        description="Referral, job board, agency…",
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20_000)])


class InterviewForm(FlaskForm):
    candidate_id = SelectField("Candidate", coerce=int, validators=[InputRequired()])
    kit_version_id = SelectField(
        "Kit",
        coerce=int,
        validators=[InputRequired()],
        description="Published versions of kits in use.",
    )
    scheduled_at = DateTimeLocalField(
        "Date and time (UTC)", format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    location = StringField(
        "Where", validators=[Optional(), Length(max=200)], description="Room or video link."
    )
    panel = SelectMultipleField(
        "Panel",
        coerce=int,
        validators=[DataRequired(message="Choose at least one interviewer.")],
        description="Each panelist gets their own scorecard.",
    )
