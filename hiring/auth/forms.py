from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from hiring.auth.models import Role
from hiring.auth.operations import find_user
from hiring.auth.passwords import MIN_LENGTH, password_problem

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class UserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.INTERVIEWER.value)
    password = PasswordField(
        "Initial password",
        validators=[DataRequired(), Length(max=1024)],
        description=f"At least {MIN_LENGTH} characters. Share it privately.",
    )

    def validate_email(self, field):
        if find_user(field.data) is not None:
            raise ValidationError("A user with this e-mail already exists.")

    def validate_password(self, field):
        if problem := password_problem(field.data or ""):
            raise ValidationError(problem)


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=1024)],
        description=f"At least {MIN_LENGTH} characters, and not one of the common passwords.",
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new", message="The two new passwords differ.")],
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


SUBJECT_TYPES = [
    SelectChoice("", "Any object"),
    *(
        SelectChoice(t, t.replace("_", " ").capitalize())
        for t in (
            "candidate",
            "competency",
            "interview",
            "kit",
            "kit_version",
            "question",
            "route",
            "scorecard",
            "user",
        )
    ),
]


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string."""

    user = StringField("User", validators=[Optional(), Length(max=254)])
    action = StringField(
        "Action", validators=[Optional(), Length(max=60)], description="Or its start: user."
    )
    subject_type = SelectField("Object", choices=SUBJECT_TYPES, validate_choice=False)
    subject_id = IntegerField("Id", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class SettingsForm(FlaskForm):
    time_zone = SelectField(
        "Time zone",
        description="Every time is shown, and entered, in this zone.",
    )
    email_reminders = BooleanField("E-mail me reminders of overdue scorecards")
    email_digest = BooleanField("E-mail me a weekly digest of my openings (managers)")
