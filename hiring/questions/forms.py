from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hiring.questions.models import Tier
from hiring.questions.operations import competency_lookalikes, find_competency, find_question
from hiring.questions.parsing import PROMPT_MAX, QuestionData, TierData
from hiring.text import NAME_MAX, TEXT_MAX, lines

LEVELS = ["entry", "intermediate", "advanced", "senior"]


TAG_MAX = 60


def tags_too_long(tags) -> bool:
    """Whether any of `tags`, its spaces folded as stored, is longer than its column."""
    return any(len(" ".join(tag.split())) > TAG_MAX for tag in tags)


def tags_fit(form, field) -> None:
    """Each comma-separated tag fits its column."""
    if tags_too_long((field.data or "").split(",")):
        raise ValidationError(f"Each tag has at most {TAG_MAX} characters.")


class QuestionForm(FlaskForm):
    prompt = TextAreaField(
        "Prompt", validators=[DataRequired(), Length(max=PROMPT_MAX)], render_kw={"rows": 2}
    )
    level = StringField(
        "Level",
        validators=[Optional(), Length(max=30)],
        description="For example: entry, intermediate, advanced.",
        render_kw={"list": "levels"},
    )
    role_family = StringField(
        "Role family",
        validators=[Optional(), Length(max=100)],
        render_kw={"list": "families"},
        description="For example: nursing, customer support.",
    )
    tags = StringField(
        "Tags",
        validators=[Optional(), Length(max=500), tags_fit],
        description="Separated by commas.",
    )
    basic_answer = TextAreaField("Basic answer", validators=[Length(max=TEXT_MAX)])
    basic_rationale = TextAreaField("Why it is basic", validators=[Length(max=TEXT_MAX)])
    solid_answer = TextAreaField("Solid answer", validators=[Length(max=TEXT_MAX)])
    solid_rationale = TextAreaField("Why it is solid", validators=[Length(max=TEXT_MAX)])
    exceptional_answer = TextAreaField("Exceptional answer", validators=[Length(max=TEXT_MAX)])
    exceptional_rationale = TextAreaField(
        "Why it is exceptional", validators=[Length(max=TEXT_MAX)]
    )
    prep_tips = TextAreaField(
        "Preparation tips", validators=[Length(max=TEXT_MAX)], description="One per line."
    )
    competencies = TextAreaField(
        "Competencies evaluated",
        validators=[Length(max=5000)],
        description="One per line. Names are matched to the catalogue ignoring case and "
        "spacing; new names join it.",
    )
    create_anyway = BooleanField("They are different competencies: create them anyway")

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.lookalikes: list[str] = []

    def validate_prompt(self, field):
        other = find_question(field.data)
        if other is not None and other is not self.question:
            raise ValidationError("The bank already has a question with this prompt.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any((getattr(self, f"{t.value}_answer").data or "").strip() for t in Tier):
            self.basic_answer.errors.append("Write at least one sample answer.")
            valid = False
        for tier in Tier:
            answer = getattr(self, f"{tier.value}_answer")
            rationale = getattr(self, f"{tier.value}_rationale")
            if (rationale.data or "").strip() and not (answer.data or "").strip():
                rationale.errors.append("A rationale needs the answer it explains.")
                valid = False
        if any(len(name) > NAME_MAX for name in lines(self.competencies.data)):
            self.competencies.errors.append(f"Each name has at most {NAME_MAX} characters.")
            valid = False
        elif not self.create_anyway.data:
            # A new name that looks like one in the catalogue is asked about, as the
            # competency form and the import ask: one catalogue keeps ratings comparable.
            for name in lines(self.competencies.data):
                if find_competency(name) is None and (close := competency_lookalikes(name)):
                    self.lookalikes.append(
                        f"“{name}” looks like “{close[0].name}” ({close[0].why})"
                    )
            if self.lookalikes:
                self.competencies.errors.append(
                    "; ".join(self.lookalikes)
                    + ". Write the existing name to use it, or tick “create them anyway”."
                )
                valid = False
        return valid

    def fill_from(self, question) -> None:
        self.prompt.data = question.prompt
        self.level.data = question.level
        self.role_family.data = question.role_family
        self.tags.data = ", ".join(t.name for t in question.tags)
        for tier in question.tiers:
            getattr(self, f"{tier.tier.value}_answer").data = tier.answer
            getattr(self, f"{tier.tier.value}_rationale").data = tier.rationale or ""
        self.prep_tips.data = "\n".join(t.text for t in question.prep_tips)
        self.competencies.data = "\n".join(c.name for c in question.competencies)

    def to_data(self) -> QuestionData:
        tiers = {}
        for tier in Tier:
            answer = (getattr(self, f"{tier.value}_answer").data or "").strip()
            rationale = (getattr(self, f"{tier.value}_rationale").data or "").strip()
            if answer:
                tiers[tier] = TierData(answer, rationale or None)
        return QuestionData(
            prompt=" ".join(self.prompt.data.split()),
            level=(self.level.data or "").strip(),
            role_family=(self.role_family.data or "").strip(),
            tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
            tiers=tiers,
            prep_tips=lines(self.prep_tips.data),
            competencies=lines(self.competencies.data),
        )


class CompetencyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=NAME_MAX)])
    description = TextAreaField("Description", validators=[Length(max=TEXT_MAX)])
    anchor_1 = TextAreaField("1 · Below basic", validators=[Length(max=TEXT_MAX)])
    anchor_2 = TextAreaField("2 · Basic", validators=[Length(max=TEXT_MAX)])
    anchor_3 = TextAreaField("3 · Solid", validators=[Length(max=TEXT_MAX)])
    anchor_4 = TextAreaField("4 · Exceptional", validators=[Length(max=TEXT_MAX)])
    anchor_5 = TextAreaField("Point 5", validators=[Length(max=TEXT_MAX)])
    anchor_6 = TextAreaField("Point 6", validators=[Length(max=TEXT_MAX)])
    anchor_7 = TextAreaField("Point 7", validators=[Length(max=TEXT_MAX)])
    create_anyway = BooleanField("It is a different competency: create it anyway")

    def __init__(self, *args, competency=None, points: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.competency = competency
        self.lookalikes = []
        # The points shown, and the only ones a save writes: the largest scale in use.
        self.points = max(4, min(7, points))
        if self.points > 4:
            for point in range(1, self.points + 1):
                getattr(self, f"anchor_{point}").label.text = f"Point {point}"

    def validate_name(self, field):
        other = find_competency(field.data)
        if other is not None and other is not self.competency:
            raise ValidationError(
                f"“{other.name}” is already in the catalogue; merge instead of renaming."
            )
        if self.competency is None and not self.create_anyway.data:
            if close := competency_lookalikes(field.data or ""):
                self.lookalikes = close
                raise ValidationError(
                    "This looks like "
                    + ", ".join(f"“{m.name}” ({m.why})" for m in close[:3])
                    + ". Use that one, or tick “create it anyway” below."
                )

    def anchors(self) -> dict[int, str]:
        return {p: getattr(self, f"anchor_{p}").data or "" for p in range(1, self.points + 1)}


class MergeForm(FlaskForm):
    source = SelectField("Merge", coerce=int, validators=[DataRequired()])
    target = SelectField("into", coerce=int, validators=[DataRequired()])

    def validate_target(self, field):
        if field.data == self.source.data:
            raise ValidationError("Choose two different competencies.")


class ImportForm(FlaskForm):
    files = MultipleFileField(
        "Question pages or bank documents",
        render_kw={"accept": ".txt,.json,text/plain,application/json"},
        description="Plain-text question pages (.txt) or an exported bank (.json).",
    )
    role_family = StringField("Role family for these questions", validators=[Length(max=100)])
    tags = StringField(
        "Tags to add", validators=[Length(max=500), tags_fit], description="Separated by commas."
    )
