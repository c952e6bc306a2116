from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from hiring.api.tokens import LIFETIMES


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Name the token: what will use it?"), Length(max=100)],
        description="What will use it: “ATS sync”, “Reporting script”.",
    )
    scopes = Checkboxes("What it may read", validators=[DataRequired("Choose a scope.")])
    days = SelectField(
        "Lives for",
        coerce=int,
        choices=[SelectChoice(days, label) for days, label in LIFETIMES.items()],
        default=90,
    )


class WebhookForm(FlaskForm):
    url = StringField(
        "Endpoint URL",
        validators=[DataRequired("Give the endpoint's address."), Length(max=500)],
        description="An https:// address on the receiving system.",
    )
    description = StringField(
        "What receives it", validators=[Length(max=200)], description="“ATS sync”."
    )
    events = Checkboxes("Events", validators=[DataRequired("Choose at least one event.")])
