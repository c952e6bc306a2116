"""What the API reads and returns: the schemas that validate requests, shape responses
and make the OpenAPI document (one source for all three)."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageQuery(Strict):
    cursor: str | None = Field(
        None,
        pattern=r"^[0-9]{1,9}$",
        description="`next_cursor` of the previous page; none: the first",
    )
    limit: int = Field(50, ge=1, le=200, description="How many per page")


class OpeningQuery(PageQuery):
    status: Literal["draft", "open", "on hold", "closed", "filled"] | None = None


class CandidateQuery(PageQuery):
    q: str | None = Field(None, max_length=200, description="Part of a name, e-mail or role")
    updated_since: AwareDatetime | None = Field(
        None,
        description="Only candidates whose details or applications changed at or after this",
    )


class OfCandidate(Strict):
    candidate_id: int = Field(..., ge=1, le=2**31 - 1)


class TeamMember(BaseModel):
    user_id: int
    name: str
    role: Literal["hiring manager", "recruiter", "coordinator", "interviewer"]


class AttributeOut(BaseModel):
    id: int
    name: str
    category: str
    must_have: bool


class PlannedOut(BaseModel):
    id: int
    title: str
    kit: str
    kit_version: int
    duration_minutes: int
    panel_size: int
    focus: list[int] = Field(description="Ids of the attributes the interview assesses")


class StageOut(BaseModel):
    id: int
    name: str
    position: int
    interviews: list[PlannedOut]


class OpeningOut(BaseModel):
    id: int
    title: str
    team: str
    location: str
    headcount: int
    status: Literal["draft", "open", "on hold", "closed", "filled"]
    confidential: bool
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    hiring_team: list[TeamMember]
    attributes: list[AttributeOut]
    stages: list[StageOut]


class OpeningPage(BaseModel):
    data: list[OpeningOut]
    next_cursor: str | None


class StageRef(BaseModel):
    id: int
    name: str


class ApplicationOut(BaseModel):
    id: int
    opening_id: int
    stage: StageRef | None
    status: Literal["active", "rejected", "withdrawn", "hired"]
    reason: str
    applied_at: datetime
    stage_entered_at: datetime
    closed_at: datetime | None
    updated_at: datetime | None


class CandidateOut(BaseModel):
    id: int
    name: str
    email: str
    role: str
    source: str
    created_at: datetime
    updated_at: datetime | None
    applications: list[ApplicationOut]


class CandidatePage(BaseModel):
    data: list[CandidateOut]
    next_cursor: str | None


class Person(BaseModel):
    id: int
    name: str


class RatingOut(BaseModel):
    competency: str
    value: int | None = Field(description="A point of the kit's scale, 1 to `scale`")
    scale: int
    not_assessed: bool
    evidence: str


class AnswerOut(BaseModel):
    question: str
    tier: Literal["below_basic", "basic", "solid", "exceptional"] | None
    notes: str


class ScorecardOut(BaseModel):
    id: int
    candidate_id: int
    application_id: int | None
    interview_id: int
    interviewer: Person
    kit: str
    kit_version: int
    interviewed_at: datetime
    submitted_at: datetime
    recommendation: Literal["strong_no", "no", "neutral", "yes", "strong_yes"] | None
    recommendation_label: str = Field(description="The kit's own word for it")
    summary: str
    ratings: list[RatingOut]
    answers: list[AnswerOut]


class ScorecardList(BaseModel):
    data: list[ScorecardOut]


HarvestRating = Literal["definitely_not", "no", "mixed", "yes", "strong_yes", "no_decision"]


class HarvestUser(BaseModel):
    id: int
    first_name: str
    last_name: str
    name: str
    employee_id: None = None


class HarvestAttribute(BaseModel):
    name: str
    type: str = Field(description="The competency's category on the opening, or 'Skills'")
    note: str | None
    rating: HarvestRating


class HarvestQuestion(BaseModel):
    id: int
    question: str
    answer: str


class HarvestStep(BaseModel):
    id: int | None
    name: str


class HarvestScorecard(BaseModel):
    """A scorecard in the shape of Greenhouse Harvest's, which ATS integrations (and
    Merge's ATS Scorecard model) map from. A rating of value v on a scale of n points
    is placed at (v - 1) / (n - 1) and rounded to the nearest of definitely_not (0),
    no (1/4), mixed (1/2), yes (3/4) and strong_yes (1): on four points 1-4 are
    definitely_not, no, yes, strong_yes; on five, 1-5 each in turn. "Not assessed" and
    no rating are no_decision. The recommendation strong_no, no, neutral, yes, strong_yes
    is definitely_not, no, no_decision, yes, strong_yes."""

    id: int
    candidate_id: int
    application_id: int | None
    interview: str
    interview_step: HarvestStep
    interviewed_at: datetime
    submitted_at: datetime
    created_at: datetime
    updated_at: datetime
    submitted_by: HarvestUser
    interviewer: HarvestUser
    overall_recommendation: Literal["definitely_not", "no", "yes", "strong_yes", "no_decision"]
    attributes: list[HarvestAttribute]
    ratings: dict[str, list[str]]
    questions: list[HarvestQuestion]


class DecisionOut(BaseModel):
    id: int
    candidate_id: int
    application_id: int | None
    outcome: str
    rationale: str
    decided_by: Person | None
    decided_at: datetime


class DecisionList(BaseModel):
    data: list[DecisionOut]


class UserOut(BaseModel):
    id: int
    name: str
    email: str
    role: Literal["admin", "manager", "interviewer"]
    active: bool


class UserPage(BaseModel):
    data: list[UserOut]
    next_cursor: str | None


class Problem(BaseModel):
    """Every error (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, str] | None = None


# Writes


class CandidateIn(Strict):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    role: str = Field("", max_length=200)
    source: str = Field("", max_length=100)
    notes: str = Field("", max_length=20_000)
    opening_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="An open opening to apply to at once"
    )


class CandidatePatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    role: str | None = Field(None, max_length=200)
    source: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=20_000)


class ApplicationIn(Strict):
    candidate_id: int = Field(..., ge=1, le=2**31 - 1)
    opening_id: int = Field(..., ge=1, le=2**31 - 1)


class MoveIn(Strict):
    action: Literal["advance", "back", "reject", "withdraw", "hire", "reopen", "to"]
    to_stage_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="With action `to`: the stage to move to"
    )
    reason: str = Field("", max_length=200, description="With `reject`: one of the reasons")
    seen_stage_id: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The stage the caller last read: the move is refused (409) if it moved",
    )


class MoveOut(BaseModel):
    said: str
    application: ApplicationOut


class InterviewIn(Strict):
    application_id: int = Field(..., ge=1, le=2**31 - 1)
    planned_interview_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The plan's interview it carries out"
    )
    kit_version_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Without a planned interview: the kit version"
    )
    scheduled_at: AwareDatetime
    duration_minutes: int | None = Field(None, ge=5, le=480)
    panel: list[int] = Field(..., min_length=1, max_length=12)
    location: str = Field("", max_length=200)
    link: str = Field("", max_length=500)


class CancelIn(Strict):
    reason: str = Field(..., min_length=1, max_length=1000)


class InterviewOut(BaseModel):
    id: int
    candidate_id: int
    application_id: int | None
    planned_interview_id: int | None
    kit: str
    kit_version: int
    scheduled_at: datetime
    duration_minutes: int
    location: str
    link: str
    cancelled: bool
    panel: list[Person]


class InterviewPatch(Strict):
    scheduled_at: AwareDatetime | None = None
    duration_minutes: int | None = Field(None, ge=5, le=480)
    location: str | None = Field(None, max_length=200)
    link: str | None = Field(None, max_length=500)


class PanelIn(Strict):
    user_id: int = Field(..., ge=1, le=2**31 - 1)


class DocumentIn(Strict):
    kind: Literal["cv", "cover letter", "work sample"]
    filename: str = Field(..., min_length=1, max_length=200)
    content_base64: str = Field(
        ..., min_length=1, max_length=14_000_000, description="The file, base64-encoded"
    )


class DocumentOut(BaseModel):
    id: int
    application_id: int
    kind: str
    filename: str
    media_type: str
    size: int
    uploaded_at: datetime


class MergeScorecard(BaseModel):
    """A scorecard in Merge's ATS Scorecard common model. `overall_recommendation` maps
    strong_no, no, neutral, yes, strong_yes to DEFINITELY_NO, NO, NO_DECISION, YES,
    STRONG_YES; ratings and notes are in the Harvest shape or ours."""

    id: str
    remote_id: str
    application: str | None
    interview: str
    interviewer: str
    remote_created_at: datetime
    submitted_at: datetime
    overall_recommendation: Literal["DEFINITELY_NO", "NO", "YES", "STRONG_YES", "NO_DECISION"]
