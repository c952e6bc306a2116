from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget


class Versioned(FlaskForm):
    """A change to an opening names the version of it the page showed."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired("Reload the page."), NumberRange(min=0, max=2**31 - 1)],
    )


class OpeningForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    team = StringField(
        "Team or department",
        validators=[Optional(), Length(max=200)],
        description="Payments, Design…",
    )
    location = StringField(
        "Location", validators=[Optional(), Length(max=200)], description="A city, or Remote."
    )
    headcount = IntegerField(
        "Number of hires", default=1, validators=[InputRequired(), NumberRange(min=1, max=500)]
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=20_000)],
        description="A few lines on the role for the hiring team.",
        render_kw={"rows": 3},
    )
    confidential = BooleanField(
        "Confidential",
        description="Only its hiring team and admins see it: its candidates, interviews, "
        "scorecards and figures are hidden from everyone else, but the panels they sit on. "
        "For an executive hire, or a replacement not yet announced.",
    )


class NewOpeningForm(OpeningForm):
    template = SelectField(
        "Start from",
        coerce=int,
        default=0,
        validators=[Optional()],
        description="Another opening's hiring team, scorecard and plan, copied; or empty.",
    )


class DetailsForm(OpeningForm, Versioned):
    hiring_manager = SelectField(
        "Hiring manager", coerce=int, validators=[InputRequired("Name the hiring manager.")]
    )
    recruiters = SelectMultipleField(
        "Recruiters and coordinators", coerce=int, validators=[Optional()]
    )
    interviewers = SelectMultipleField(
        "Interviewers",
        coerce=int,
        validators=[Optional()],
        description="Offered first when a panel is chosen for this opening's interviews.",
    )


class AttributeForm(Versioned):
    competency_id = SelectField("Attribute", coerce=int, validators=[InputRequired()])
    category = StringField(
        "Category",
        validators=[Optional(), Length(max=100)],
        description="Skills, Qualities, Values…",
    )
    must_have = BooleanField("Must-have", default=True)


class AttributeChangeForm(Versioned):
    category = StringField("Category", validators=[Optional(), Length(max=100)])
    must_have = BooleanField("Must-have")


class StageForm(Versioned):
    name = StringField("Stage", validators=[DataRequired("Name the stage."), Length(max=100)])


class MoveForm(Versioned):
    step = IntegerField(validators=[InputRequired(), NumberRange(min=-1, max=1)])


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlannedForm(Versioned):
    title = StringField(
        "Name",
        validators=[Optional(), Length(max=200)],
        description="Empty: the kit's title.",
    )
    kit_version_id = SelectField(
        "Kit", coerce=int, validators=[InputRequired()], description="Published kit versions."
    )
    duration = IntegerField(
        "Duration (minutes)",
        validators=[Optional(), NumberRange(min=5, max=600)],
        description="Empty: the kit's planned duration.",
    )
    panel_size = IntegerField(
        "Panel size", default=1, validators=[InputRequired(), NumberRange(min=1, max=20)]
    )
    focus = Checkboxes(
        "Focus attributes",
        coerce=int,
        validators=[Optional()],
        description="What this interview is responsible for assessing; only what its kit rates.",
        invalid_choice_message=(
            "A chosen attribute is not on this opening's scorecard (removed meanwhile?): "
            "choose again from the list."
        ),
    )
    panel = SelectMultipleField(
        "Who may sit on it",
        coerce=int,
        validators=[Optional()],
        description="None chosen: anyone on the opening's hiring team.",
    )


class StatusForm(Versioned):
    status = SelectField("Status", validators=[InputRequired()])
    open_anyway = BooleanField("Open anyway")
