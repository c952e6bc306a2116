from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from hiring.inputs import INT_MAX, as_count
from hiring.text import TEXT_MAX


class LockedForm(FlaskForm):
    """A change to a draft: carries the draft's lock as the page loaded it."""

    lock = HiddenField(validators=[InputRequired()])

    @property
    def seen_lock(self) -> int | None:
        return as_count(self.lock.data)


class RecommendationScaleForm(LockedForm):
    points = IntegerField("Points", validators=[InputRequired(), NumberRange(min=2, max=5)])
    label_1 = StringField("1", validators=[Length(max=60)])
    label_2 = StringField("2", validators=[Length(max=60)])
    label_3 = StringField("3", validators=[Length(max=60)])
    label_4 = StringField("4", validators=[Length(max=60)])
    label_5 = StringField("5", validators=[Length(max=60)])

    def labels(self) -> list[str]:
        return [getattr(self, f"label_{p}").data or "" for p in range(1, self.points.data + 1)]


class PublishForm(LockedForm):
    # "1" after the warnings were read: publish with them.
    anyway = HiddenField()


class KitForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired(), Length(max=200)],
        description="For example: Support engineer, second interview.",
    )
    role = StringField("Role", validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(
        "Purpose", validators=[Length(max=2000)], description="What this interview must find out."
    )
    duration = IntegerField(
        "Planned duration (minutes)",
        default=60,
        validators=[InputRequired(), NumberRange(min=5, max=600)],
    )
    briefing = TextAreaField(
        "Briefing for interviewers",
        validators=[Length(max=TEXT_MAX)],
        description="Plain text. Blank lines separate paragraphs; lines starting with "
        "“- ” become a list.",
    )


class DetailsForm(KitForm, LockedForm):
    pass


class SectionForm(LockedForm):
    title = StringField("Section title", validators=[DataRequired(), Length(max=200)])


class AddQuestionForm(LockedForm):
    # One question, or several chosen from one search.
    question_id = SelectMultipleField(
        "Questions",
        coerce=int,
        validate_choice=False,
        validators=[DataRequired("Choose the questions to add.")],
    )
    section_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=INT_MAX)])

    def validate_question_id(self, field) -> None:
        if not all(1 <= n <= INT_MAX for n in field.data) or len(field.data) > 50:
            raise ValidationError("Those are not questions of the bank.")


class ItemForm(LockedForm):
    minutes = IntegerField("Minutes", validators=[InputRequired(), NumberRange(min=0, max=240)])
    probes = TextAreaField(
        "Probes", validators=[Length(max=5000)], description="Follow-up prompts, one per line."
    )


class MoveForm(LockedForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])

    @property
    def offset(self) -> int:
        return -1 if self.direction.data == "up" else 1


class AddCompetencyForm(LockedForm):
    competency_id = IntegerField(
        "Competency", validators=[InputRequired(), NumberRange(min=1, max=INT_MAX)]
    )


class AnchorsForm(LockedForm):
    anchor_1 = TextAreaField(validators=[Length(max=2000)])
    anchor_2 = TextAreaField(validators=[Length(max=2000)])
    anchor_3 = TextAreaField(validators=[Length(max=2000)])
    anchor_4 = TextAreaField(validators=[Length(max=2000)])
    anchor_5 = TextAreaField(validators=[Length(max=2000)])
    anchor_6 = TextAreaField(validators=[Length(max=2000)])
    anchor_7 = TextAreaField(validators=[Length(max=2000)])

    def anchors(self, points: int) -> dict[int, str]:
        return {p: getattr(self, f"anchor_{p}").data or "" for p in range(1, points + 1)}


class ScaleForm(LockedForm):
    points = IntegerField("Points", validators=[InputRequired(), NumberRange(min=3, max=7)])
    label_1 = StringField("1", validators=[Length(max=60)])
    label_2 = StringField("2", validators=[Length(max=60)])
    label_3 = StringField("3", validators=[Length(max=60)])
    label_4 = StringField("4", validators=[Length(max=60)])
    label_5 = StringField("5", validators=[Length(max=60)])
    label_6 = StringField("6", validators=[Length(max=60)])
    label_7 = StringField("7", validators=[Length(max=60)])

    def labels(self) -> list[str]:
        return [getattr(self, f"label_{p}").data or "" for p in range(1, self.points.data + 1)]
