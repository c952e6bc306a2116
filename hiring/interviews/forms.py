from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from hiring.interviews.models import DocumentKind


class CandidateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[Optional(), Email(), Length(max=254)])
    role = StringField(
        "Role applied for",
        validators=[Optional(), Length(max=200)],
        description="Free text; an opening below gives the candidate its plan and pipeline.",
    )
    source = StringField(
        "Source",
        validators=[Optional(), Length(max=100)],
        description="Referral, job board, agency…",
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20_000)])


class NewCandidateForm(CandidateForm):
    opening_id = SelectField(
        "Applies to",
        coerce=int,
        default=0,
        validators=[Optional()],
        description="An open opening: the candidate starts at its plan's first stage.",
    )


def plausible_date(form, field) -> None:
    """Years far from now are typing slips, and a zone's offset can carry the year 1 or
    9999 past what dates hold: 1900 to 2200 only."""
    if field.data is not None and not 1900 <= field.data.year <= 2200:
        raise ValidationError("Choose a date between 1900 and 2200.")


def _id_or_none(value) -> int | None:
    """A chosen row's id; the empty "Choose" option is none."""
    return None if value in ("", None) else int(value)


class InterviewDetailsForm(FlaskForm):
    """When, how long, where and how to join: what can change after scheduling."""

    kit_version_id = SelectField(
        "Kit",
        coerce=int,
        validators=[InputRequired()],
        description="Published versions of kits in use.",
    )
    scheduled_at = DateTimeLocalField(
        "Date and time", format="%Y-%m-%dT%H:%M", validators=[InputRequired(), plausible_date]
    )
    duration = IntegerField(
        "Duration (minutes)",
        validators=[Optional(), NumberRange(min=5, max=600)],
        description="Empty: the kit's planned duration.",
    )
    location = StringField(
        "Where", validators=[Optional(), Length(max=200)], description="A room, or leave empty."
    )
    link = URLField(
        "Video link",
        validators=[Optional(), Length(max=500)],
        description="An https address; anything else is shown as plain text.",
    )
    past_ok = BooleanField("It happened already: record it in the past")

    def validate_link(self, field) -> None:
        """An address typed without its scheme (meet.example.com/abc) would show as plain
        text: offer it with https:// added, to check and save again."""
        value = (field.data or "").strip()
        if value and "://" not in value and "." in value.split("/")[0] and " " not in value:
            field.data = "https://" + value.removeprefix("//")
            raise ValidationError(
                "A link needs its https://: https:// is added above; check it and save again."
            )


class InterviewForm(InterviewDetailsForm):
    # No one is chosen until the manager chooses: the list's first name is no default.
    candidate_id = SelectField(
        "Candidate", coerce=_id_or_none, validators=[InputRequired("Choose a candidate.")]
    )
    # Scheduling from an opening's plan: the application, and the planned interview it
    # carries out (none: ad hoc).
    application_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    planned_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    panel = SelectMultipleField(
        "Panel",
        coerce=int,
        validators=[DataRequired(message="Choose at least one interviewer.")],
        description="Each panelist gets their own scorecard and a calendar invitation.",
    )


class PanelAddForm(FlaskForm):
    people = SelectMultipleField(
        "Add to the panel",
        coerce=int,
        validators=[DataRequired(message="Choose someone to add.")],
    )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        validators=[DataRequired(message="Say why it is cancelled."), Length(max=1000)],
        description="The panel reads it in the cancellation e-mail.",
        render_kw={"rows": 2, "dir": "auto"},
    )


class ApplyForm(FlaskForm):
    opening_id = SelectField(
        "Opening", coerce=int, validators=[InputRequired("Choose an opening.")]
    )


class ApplicationMoveForm(FlaskForm):
    """A move names where the page showed the application, so a repeated click or a
    colleague's move meanwhile is refused rather than applied twice."""

    action = StringField(validators=[InputRequired(), Length(max=20)])
    reason = SelectField("Why", validators=[Optional()], validate_choice=False)
    seen_stage = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])
    seen_status = StringField(validators=[InputRequired(), Length(max=20)])
    # A card dropped on a board column: the stage it goes to.
    to_stage = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])


class DocumentForm(FlaskForm):
    kind = SelectField(
        "What is it",
        choices=[SelectChoice(k.value, k.label) for k in DocumentKind],
        validators=[InputRequired()],
    )
    file = FileField(
        "File",
        validators=[FileRequired("Choose a file.")],
        description="PDF, Word (.docx), OpenDocument (.odt) or plain text.",
    )
