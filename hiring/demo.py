"""Demo accounts and content, loaded by `flask --app hiring demo`; safe to run again."""

from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.auth.passwords import hash_password, verify_password
from hiring.debrief.models import Decision
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews.models import Application, Candidate, Interview, Scorecard
from hiring.interviews.operations import save_candidate, schedule
from hiring.kits import operations as kits
from hiring.kits.models import Kit
from hiring.openings import operations as openings
from hiring.openings.models import Opening, OpeningStatus, TeamRole
from hiring.questions.operations import find_question, import_batch
from hiring.scorecards import operations as scoring

STARTER_BANK = Path(__file__).parent / "questions" / "starter_bank.json"

DEMO_USERS = [
    (Role.ADMIN, "admin@example.com", "Ada Admin", "demo-admin-pass"),
    (Role.MANAGER, "manager@example.com", "Morgan Manager", "demo-manager-pass"),
    (Role.INTERVIEWER, "interviewer@example.com", "Ira Interviewer", "demo-interviewer-pass"),
    (Role.INTERVIEWER, "sam@example.com", "Sam Second", "demo-interviewer-pass"),
]
# Panelists in different places: every page shows times in the reader's own zone.
DEMO_ZONES = {"interviewer@example.com": "Europe/London", "sam@example.com": "America/New_York"}


def load() -> list[tuple[str, str, str]]:
    """Create or refresh the demo accounts and content; return (role, e-mail, password)."""
    logins = []
    for role, email, name, password in DEMO_USERS:
        user = find_user(email)
        if user is None:
            create_user(email, name, role, password)
        else:
            user.role, user.active = role, True
            if not verify_password(user.password_hash, password):
                user.password_hash = hash_password(password)
        find_user(email).time_zone = DEMO_ZONES.get(email)
        logins.append((role.value, email, password))
    load_starter_bank()
    load_demo_kits()
    load_demo_interviews()
    load_demo_openings()
    return logins


def load_starter_bank() -> None:
    """Import our starter question bank (updates in place when run again)."""
    report = import_batch([(STARTER_BANK.name, STARTER_BANK.read_bytes())])
    if report.errors:
        raise RuntimeError(f"the starter bank does not parse: {report.errors}")


DEMO_KITS = [
    {
        "title": "Customer support specialist · first interview",
        "role": "Customer support specialist",
        "purpose": "Find out how the candidate diagnoses problems, writes to customers and "
        "keeps calm when the queue is long.",
        "briefing": "Welcome the candidate and explain the format: four questions, then their "
        "questions.\n\nAsk every question as written, in this order. Use the probes when an "
        "answer stays general.\n\n- Take notes on what the candidate says, not on your "
        "impression.\n- Rate each competency only after the interview.\n- Do not discuss "
        "the candidate with other panelists before you submit.",
        "items": [
            (
                "A customer writes in angry because they were charged twice. How do you respond?",
                "What would you check before promising a refund?\nHow would you know it was "
                "resolved?",
            ),
            (
                "A customer says the app 'doesn't work'. How do you find out what is wrong?",
                "What would you put in an escalation to engineering?",
            ),
            (
                "Here is a customer's confusing question about a feature. Talk me through how you "
                "would write your reply.",
                "",
            ),
            (
                "It is Monday morning, the queue has tripled overnight, and two colleagues are off "
                "sick. What do you do?",
                "What would you tell your lead, and when?",
            ),
        ],
    },
    {
        "title": "Registered nurse · clinical interview",
        "role": "Registered nurse, surgical ward",
        "purpose": "Assess clinical judgement, safety and escalation on a busy surgical ward.",
        "briefing": "Two panelists: one senior nurse and one practice educator.\n\n"
        "- Follow the order of the kit.\n- Probe for what the candidate did, not what they "
        "would do in general.",
        "items": [
            (
                "You notice that a post-operative patient's observations are changing: heart rate "
                "up, blood pressure down, and they seem more confused. What do you do?",
                "What if the doctor does not come?",
            ),
            ("Tell me how you make sure a medication round is safe.", ""),
            (
                "Tell me about a time you saw a colleague do something unsafe. What did you do?",
                "What did you say, word for word?",
            ),
        ],
    },
]


def load_demo_kits() -> None:
    """Create the demo kits, built from the starter bank and published, once."""
    for spec in DEMO_KITS:
        if db.session.scalar(select(Kit).where(Kit.title == spec["title"])) is not None:
            continue
        kit = kits.create_kit(
            spec["title"],
            spec["role"],
            purpose=spec["purpose"],
            duration=45,
            briefing=spec["briefing"],
        )
        version = kit.versions[0]
        for prompt, probes in spec["items"]:
            item = kits.add_question(version, version.sections[1], find_question(prompt))
            kits.update_item(item, minutes=8, probes=probes)
        kits.rate_suggested(version)
        kits.publish(version)
    db.session.flush()


IRA, SAM, MORGAN = "interviewer@example.com", "sam@example.com", "manager@example.com"
ADA = "admin@example.com"
TIERS = ["below_basic", "basic", "solid", "exceptional"]
# The support kit's competencies, in the order the stories' ratings list them.
RATED = [
    "Empathy with customers",
    "Ownership and reliability",
    "Problem diagnosis",
    "Clear written communication",
    "Collaboration and communication",
    "Composure under pressure",
]

# Six candidates on the support kit, so that the debrief, the comparison and the
# calibration pages tell a story at first login: a clear hire (decided), a clear reject,
# a split panel, a solid candidate awaiting the decision, a mixed one with a competency
# not assessed, one with a scorecard still pending; and an interview later today. Ira
# rates strictly and submits fast, Sam rates generously and submits late, Morgan sits
# in between. Ratings follow the kit's competencies in order: empathy, ownership,
# diagnosis, written communication, collaboration, composure; None is "not assessed".
DEMO_STORIES = [
    {
        "name": "Priya Raman",
        "source": "Referral",
        "hours": -170,
        "decision": (
            "Advance",
            "The panel agrees on the substance: she diagnoses methodically and her written "
            "reply was the clearest we have seen for this role. The one gap, when to escalate "
            "a billing error, is coachable. Move to the team interview.",
        ),
        "panel": [
            {
                "who": IRA,
                "ratings": [3, 3, 3, 3, 3, 3],
                "recommendation": "yes",
                "tiers": [2, 2, 3, 2],
                "notes": [
                    "Apologised once, then asked for the invoice number and checked both "
                    "charges before promising anything. Gave a refund timeline (3-5 days).",
                    "Asked which device, which version, and what 'doesn't work' looked like. "
                    "Would attach screenshots and steps to reproduce to the escalation.",
                    "Drafted the reply in four short sentences; led with the answer, then one "
                    "step at a time. Offered a follow-up link rather than a wall of text.",
                    "Triage by impact first (outages, payments), then oldest. Would tell the "
                    "lead by 9:30 with numbers. Did not mention macros or templates.",
                ],
                "evidence": {
                    2: "Reproduced the problem before escalating; named the details engineering "
                    "would need.",
                },
                "summary": "Solid across the board. Methodical and calm; escalation timing "
                "could be sharper.",
            },
            {
                "who": SAM,
                "ratings": [4, 4, 4, 4, 4, 4],
                "recommendation": "strong_yes",
                "tiers": [3, 3, 3, 3],
                "notes": [
                    "Excellent. Acknowledged the frustration in her first sentence, checked the "
                    "payment log, and said exactly when the money would be back.",
                    "Walked through a diagnosis from her last job (login loop after an update). "
                    "Knew which logs to ask for.",
                    "Her reply would go out as is. Plain words, no jargon, one clear next step.",
                    "Would ask the lead to pause non-urgent work, batch similar tickets and "
                    "post a status update for the known issue.",
                ],
                "evidence": {
                    0: "Named the customer's worry (being charged twice again) before fixing it.",
                    1: "Promised a follow-up and said how she would track it (a reminder on "
                    "the ticket).",
                    2: "Asked for version and steps, reproduced, then escalated with logs.",
                    3: "Draft reply: four sentences, the answer first.",
                    4: "Described pairing with a colleague on a tricky refund case.",
                    5: "Stayed specific and calm when I pushed on the Monday scenario.",
                },
                "summary": "One of the best candidates this quarter. Hire.",
            },
            {
                "who": MORGAN,
                "ratings": [4, 3, 4, 4, 3, 4],
                "recommendation": "strong_yes",
                "tiers": [3, 2, 3, 3],
                "notes": [
                    "Checked before promising; explained the refund timing. Warm without being "
                    "scripted.",
                    "Good questions, in a sensible order. Escalation note would be usable by "
                    "engineering without a follow-up.",
                    "Best written answer of the round: short, ordered, friendly.",
                    "Sensible triage. Would flag the backlog to the lead early with numbers.",
                ],
                "evidence": {
                    0: "Opened with the customer's concern, then the facts.",
                    2: "Reproduce, isolate, escalate with evidence: in that order.",
                    3: "Reply draft needed no edits.",
                    5: "Calm and concrete under the Monday scenario.",
                },
                "summary": "Strong. Clear writer and careful diagnostician.",
            },
        ],
    },
    {
        "name": "Tomás Alvarez",
        "source": "Job board",
        "hours": -140,
        "panel": [
            {
                "who": IRA,
                "ratings": [1, 2, 1, 1, 2, 2],
                "recommendation": "strong_no",
                "tiers": [0, 1, 0, 1],
                "notes": [
                    "Promised a refund straight away without checking whether both charges "
                    "went through. No timeline.",
                    "Would 'send it to engineering' without asking a single question first.",
                    "Reply was one long paragraph that restated the question and did not answer "
                    "it.",
                    "Would work the queue oldest first and stay late. Did not mention telling "
                    "anyone.",
                ],
                "evidence": {
                    0: "Did not acknowledge the customer's frustration at any point.",
                    2: "No diagnosis: escalated the vague report as it was.",
                    3: "Draft reply did not answer the customer's question.",
                },
                "summary": "Not ready for the role: no diagnosis, and the written reply missed "
                "the point.",
            },
            {
                "who": SAM,
                "ratings": [2, 2, 2, 2, 3, 2],
                "recommendation": "no",
                "tiers": [1, 1, 1, 1],
                "notes": [
                    "Friendly tone, but offered the refund before checking the charges.",
                    "Asked what the error message said, then stopped. Would escalate quickly.",
                    "Reply was polite but long; the answer was in the last sentence.",
                    "Would work harder and longer; mentioned asking a colleague for help.",
                ],
                "evidence": {4: "Mentioned asking colleagues for help when stuck."},
                "summary": "Pleasant and keen but the fundamentals are not there yet.",
            },
        ],
    },
    {
        "name": "Dana Whitfield",
        "source": "Agency",
        "hours": -100,
        "panel": [
            {
                "who": IRA,
                "ratings": [1, 2, 1, 2, 2, 1],
                "recommendation": "no",
                "tiers": [0, 2, 1, 1],
                "notes": [
                    "Opened by explaining the billing system's limits. The customer's anger "
                    "was treated as a misunderstanding to correct.",
                    "Good questions: device, version, steps. Reproduced it in her head aloud.",
                    "Reply was accurate but curt; no greeting, no next step.",
                    "Said she would 'just get through it'; visibly tense when I pushed.",
                ],
                "evidence": {
                    0: "Corrected the customer instead of acknowledging the double charge.",
                    2: "Jumped to a cause (cache) before asking what the customer saw.",
                    5: "Raised her voice slightly and repeated herself under the Monday scenario.",
                },
                "summary": "Technically able, but I would not put her in front of an angry "
                "customer yet.",
            },
            {
                "who": SAM,
                "ratings": [4, 3, 4, 3, 3, 4],
                "recommendation": "strong_yes",
                "tiers": [3, 3, 2, 3],
                "notes": [
                    "Direct and honest: explained exactly what happened with the charge. "
                    "Customers value that.",
                    "Very strong: hypothesis, quick test, then escalation with the logs.",
                    "Accurate reply, a bit brief.",
                    "Clear plan: triage by impact, tell the lead at once, templates for the "
                    "known issue.",
                ],
                "evidence": {
                    0: "Honest and direct with the customer about what went wrong.",
                    2: "Formed a hypothesis and tested it before escalating.",
                    5: "Had a plan for the Monday queue within a minute.",
                },
                "summary": "Sharp problem-solver. Hire.",
            },
        ],
    },
    {
        "name": "Wei Chen",
        "source": "Referral",
        "hours": -76,
        "panel": [
            {
                "who": IRA,
                "ratings": [2, 3, 3, 2, 3, 2],
                "recommendation": "yes",
                "tiers": [1, 2, 2, 1],
                "notes": [
                    "Checked the charges, then explained. Apology felt scripted.",
                    "Asked for a screen recording; sensible.",
                    "Reply was correct but used two internal terms a customer would not know.",
                    "Would split the queue with a colleague by topic. Reasonable.",
                ],
                "evidence": {},
                "summary": "Solid, unspectacular. Would need coaching on tone in writing.",
            },
            {
                "who": SAM,
                "ratings": [3, 4, 3, 3, 4, 3],
                "recommendation": "yes",
                "tiers": [2, 3, 2, 2],
                "notes": [
                    "Checked both charges, explained the reversal and the timing.",
                    "Good diagnosis; asked for a recording and the app version.",
                    "Clear reply once the two internal terms are swapped out.",
                    "Would coordinate with the team and share the load. Mentioned a shared "
                    "saved reply for the known issue.",
                ],
                "evidence": {
                    1: "Gave an example of following up a week later without being asked.",
                    4: "Split the Monday queue by topic with a colleague.",
                },
                "summary": "Reliable and collaborative. Yes.",
            },
            {
                "who": MORGAN,
                "ratings": [3, 3, 3, 3, 3, 3],
                "recommendation": "yes",
                "tiers": [2, 2, 2, 2],
                "notes": [
                    "Verified first, then explained. Fine.",
                    "Asked for a screen recording and steps. Fine.",
                    "Mostly clear; two internal terms to avoid.",
                    "Shared the load and kept the lead informed.",
                ],
                "evidence": {},
                "summary": "A dependable yes.",
            },
        ],
    },
    {
        "name": "Amara Nwosu",
        "source": "Careers page",
        "hours": -54,
        "panel": [
            {
                "who": IRA,
                "ratings": [2, 2, 3, None, 2, 2],
                "recommendation": "no",
                "tiers": [1, 2, None, 1],
                "notes": [
                    "Kind tone; checked one charge but not the second.",
                    "Asked good questions and would reproduce before escalating.",
                    "We ran out of time before the writing exercise.",
                    "Would ask the lead what to prioritise rather than propose a plan.",
                ],
                "evidence": {},
                "summary": "Promising on diagnosis; thin elsewhere. Writing not assessed.",
            },
            {
                "who": SAM,
                "ratings": [3, 3, 3, None, 3, 3],
                "recommendation": "yes",
                "tiers": [2, 2, None, 2],
                "notes": [
                    "Warm and patient. Checked the account before answering.",
                    "Structured questions, good instinct to reproduce.",
                    "Not covered: out of time.",
                    "Would ask for help early and keep customers updated.",
                ],
                "evidence": {},
                "summary": "A good yes; I would like to see a writing sample.",
            },
        ],
    },
    {
        "name": "Jonas Berg",
        "source": "Job board",
        "hours": -52,
        "panel": [
            {
                "who": SAM,
                "ratings": [3, 2, 3, 3, 2, 3],
                "recommendation": "yes",
                "tiers": [2, 1, 2, 2],
                "notes": [
                    "Calm, checked before promising.",
                    "Escalated a bit early but with useful detail.",
                    "Clear reply, friendly.",
                    "Would work through it; did not mention telling the lead.",
                ],
                "evidence": {},
                "summary": "A likely yes.",
            },
            # Ira started but has not submitted: the scorecard is overdue.
            {
                "who": IRA,
                "draft": True,
                "ratings": [2, 2, None, None, None, None],
                "notes": ["Checked both charges; apologised well.", "", "", ""],
            },
        ],
    },
    {
        "name": "Grace Okafor",
        "source": "Agency",
        "hours": 2,
        "panel": [{"who": IRA, "draft": True}, {"who": MORGAN, "draft": True}],
    },
]

# Hours from the interview to the first submission: Ira fast, Sam late.
SUBMITTED_AFTER = {IRA: 3, SAM: 30, MORGAN: 8}


def load_demo_interviews() -> None:
    """Candidates with interviews on the support kit, scored and decided as DEMO_STORIES
    tells; a candidate already there is left as it is."""
    kit = db.session.scalar(select(Kit).where(Kit.title == DEMO_KITS[0]["title"]))
    version = kit.versions[0]
    now = utcnow()
    for story in DEMO_STORIES:
        if db.session.scalar(select(Candidate).where(Candidate.name == story["name"])):
            continue
        candidate = save_candidate(
            Candidate(),
            name=story["name"],
            email="",
            role=kit.role,
            source=story["source"],
            notes="",
        )
        at = now + timedelta(hours=story["hours"])
        users = [find_user(part["who"]) for part in story["panel"]]
        interview = schedule(
            candidate,
            version,
            at,
            users,
            "Room 2",
            link=f"https://meet.example.com/support-{story['name'].split()[0].lower()}",
        )
        for scorecard, part in zip(interview.scorecards, story["panel"], strict=True):
            _fill(scorecard, version, part)
            if not part.get("draft"):
                scoring.submit(scorecard)
                when = at + timedelta(hours=SUBMITTED_AFTER[part["who"]])
                db.session.execute(
                    Scorecard.__table__.update()
                    .where(Scorecard.id == scorecard.id)
                    .values(submitted_at=when, first_submitted_at=when, updated_at=when)
                )
        if "decision" in story:
            outcome, rationale = story["decision"]
            db.session.add(
                Decision(
                    candidate_id=candidate.id,
                    outcome=outcome,
                    rationale=rationale,
                    decided_by_id=find_user(MORGAN).id,
                    decided_at=at + timedelta(hours=48),
                )
            )
    db.session.flush()


def _fill(scorecard: Scorecard, version, part: dict) -> None:
    """Save one panelist's notes, tiers, ratings and summary as a live page would."""
    changes = {}
    for n, item in enumerate(version.items):
        notes = part.get("notes", [""] * len(version.items))[n]
        if notes:
            changes[f"item:{item.id}:notes"] = notes
        tiers = part.get("tiers")
        if tiers and tiers[n] is not None:
            changes[f"item:{item.id}:tier"] = TIERS[tiers[n]]
    for kc in version.competencies:
        n = RATED.index(kc.display_name)
        ratings = part.get("ratings")
        if not ratings:
            continue
        if ratings[n] is None:
            if not part.get("draft"):
                changes[f"rating:{kc.id}:not_assessed"] = True
            continue
        changes[f"rating:{kc.id}:value"] = ratings[n]
        evidence = part.get("evidence", {}).get(n)
        if evidence:
            changes[f"rating:{kc.id}:evidence"] = evidence
        elif ratings[n] in (1, len(version.scale)):
            raise ValueError(f"demo rating at an end needs evidence: {part['who']} {kc}")
    if part.get("summary"):
        changes["summary"] = part["summary"]
    if part.get("recommendation"):
        changes["recommendation"] = part["recommendation"]
    if changes:
        scoring.save(
            scorecard.id,
            scorecard.interviewer_id,
            scorecard.version,
            changes,
            current_app.config["NOTE_MAX_CHARS"],
        )


# Openings. The support role's plan: three stages, each must-have the focus of two
# interviews (the coverage is clean); the candidates above sit at the scenario interview
# they had, one hired, one rejected, one moved on; two new ones at the phone screen.
# The nurse role opened with a gap its team accepted; a senior support role is a draft
# copied from the first.
SUPPORT_ATTRIBUTES = [
    ("Empathy with customers", "Customer care", True),
    ("Ownership and reliability", "Ways of working", True),
    ("Problem diagnosis", "Skills", True),
    ("Clear written communication", "Skills", False),
    ("Collaboration and communication", "Ways of working", False),
    ("Composure under pressure", "Customer care", False),
]
SUPPORT_PLAN = [
    ("Phone screen", "Phone screen", 30, 1, [0, 1, 3]),
    ("Scenario interview", "Scenario interview", 45, 2, [0, 2, 4, 5]),
    ("Team conversation", "Team conversation", 45, 2, [1, 2, 4]),
]
# Where the stories' candidates are: (stage index, then a move, with its reason).
SUPPORT_PLACES = {
    "Priya Raman": (2, "hire", ""),
    "Tomás Alvarez": (1, "reject", "Did not meet a must-have"),
    "Wei Chen": (1, "advance", ""),
}
SECRET_TITLE = "Head of customer support"
NEW_APPLICANTS = [("Lena Fischer", "Careers page"), ("Omar Haddad", "Referral")]


def load_demo_openings() -> None:
    """The demo openings, once (an opening of the same title is left as it is)."""
    manager, ira, sam = (find_user(e) for e in (MORGAN, IRA, SAM))
    support_title = DEMO_KITS[0]["role"]
    if db.session.scalar(select(Opening).where(Opening.title == support_title)) is None:
        support = _support_opening(support_title, manager, ira, sam)
        _support_candidates(support, manager)
        openings.create(
            title="Senior customer support specialist",
            team="Customer support",
            location="Lisbon · hybrid",
            description="Leads the weekend rota; the support plan, copied to adjust.",
            user=manager,
            template=support,
        )
    nurse_title = DEMO_KITS[1]["role"]
    if db.session.scalar(select(Opening).where(Opening.title == nurse_title)) is None:
        _nurse_opening(nurse_title, manager, ira)
    if db.session.scalar(select(Opening).where(Opening.title == SECRET_TITLE)) is None:
        # Only its hiring team (the admin) sees it: signed in as the manager, it is not there.
        openings.create(
            title=SECRET_TITLE,
            team="Customer support",
            description="Replaces a lead who has not announced leaving yet.",
            confidential=True,
            user=find_user(ADA),
        )
    db.session.flush()


def _opening(title: str, manager, **details) -> Opening:
    opening = openings.create(title=title, user=manager, **details)
    db.session.flush()
    return opening


def _kit_version(title: str):
    return db.session.scalar(select(Kit).where(Kit.title == title)).versions[0]


def _support_opening(title: str, manager, ira, sam) -> Opening:
    opening = _opening(
        title,
        manager,
        team="Customer support",
        location="Lisbon · hybrid",
        headcount=2,
        description="Answers customers by chat and e-mail; owns each case to its end.",
    )
    openings.set_team(
        opening,
        opening.version,
        {TeamRole.HIRING_MANAGER: [manager], TeamRole.INTERVIEWER: [ira, sam]},
    )
    version = _kit_version(DEMO_KITS[0]["title"])
    by_name = {kc.display_name: kc.competency for kc in version.competencies}
    attributes = [
        openings.add_attribute(opening, opening.version, by_name[name], category, must)
        for name, category, must in SUPPORT_ATTRIBUTES
    ]
    for stage_name, title_, minutes, panel, focus in SUPPORT_PLAN:
        stage = openings.add_stage(opening, opening.version, stage_name)
        openings.add_planned(
            stage,
            opening.version,
            title=title_,
            kit_version=version,
            duration=minutes,
            panel_size=panel,
            focus=[attributes[n] for n in focus],
        )
    openings.set_status(opening, opening.version, OpeningStatus.OPEN)
    return opening


def _support_candidates(opening: Opening, manager) -> None:
    scenario = opening.stages[1].interviews[0]
    for story in DEMO_STORIES:
        candidate = db.session.scalar(select(Candidate).where(Candidate.name == story["name"]))
        if candidate is None or candidate.applications:
            continue
        application = applications.apply(candidate, opening, manager)
        application.applied_at = candidate.created_at
        for interview in db.session.scalars(
            select(Interview).where(Interview.candidate_id == candidate.id)
        ):
            interview.application, interview.planned = application, scenario
        _move(application, manager, "advance")
        db.session.execute(
            Decision.__table__.update()
            .where(Decision.candidate_id == candidate.id)
            .values(application_id=application.id)
        )
        place = SUPPORT_PLACES.get(story["name"])
        if place is not None:
            stage, action, reason = place
            if action == "hire":
                _move(application, manager, "advance")
            _move(application, manager, action, reason)
        # In the stage since the interview (moved on two days after it), as if lived.
        held = utcnow() + timedelta(hours=story["hours"])
        _dated(application, held - timedelta(days=3), held + timedelta(days=2 if place else 0))
    for days, (name, source) in zip((2, 5), NEW_APPLICANTS, strict=True):
        if db.session.scalar(select(Candidate).where(Candidate.name == name)) is None:
            candidate = save_candidate(
                Candidate(), name=name, email="", role=opening.title, source=source, notes=""
            )
            application = applications.apply(candidate, opening, manager)
            when = utcnow() - timedelta(days=days)
            _dated(application, when, when)


def _dated(application: Application, applied, entered) -> None:
    """Date an application (and its first move) as the demo's story goes."""
    db.session.flush()
    entered = min(entered, utcnow())
    application.applied_at, application.stage_entered_at = applied, entered
    application.moves[0].at = applied
    for move in application.moves[1:]:
        move.at = entered


def _move(application: Application, user, action: str, reason: str = "") -> None:
    db.session.flush()
    applications.move(
        application,
        action,
        user,
        seen_stage_id=application.stage_id,
        seen_status=application.status.value,
        reason=reason,
    )
    db.session.flush()


def _nurse_opening(title: str, manager, ira) -> None:
    opening = _opening(
        title,
        manager,
        team="Surgical ward",
        location="City hospital",
        headcount=3,
        description="Day and night shifts on a 28-bed surgical ward.",
    )
    openings.set_team(
        opening, opening.version, {TeamRole.HIRING_MANAGER: [manager], TeamRole.INTERVIEWER: [ira]}
    )
    version = _kit_version(DEMO_KITS[1]["title"])
    attributes = [
        openings.add_attribute(
            opening, opening.version, kc.competency, "Clinical" if n < 2 else "Team", n < 3
        )
        for n, kc in enumerate(version.competencies)
    ]
    screen = openings.add_stage(opening, opening.version, "Screening call")
    openings.add_planned(
        screen,
        opening.version,
        title="Screening call",
        kit_version=version,
        duration=30,
        panel_size=1,
        focus=attributes[:2],
    )
    clinical = openings.add_stage(opening, opening.version, "Clinical interview")
    openings.add_planned(
        clinical,
        opening.version,
        title="Clinical interview",
        kit_version=version,
        duration=60,
        panel_size=2,
        focus=attributes,
    )
    # The third must-have is the focus of one interview only: opened with the gap named.
    openings.set_status(opening, opening.version, OpeningStatus.OPEN, open_anyway=True)
    candidate = save_candidate(
        Candidate(), name="Noor Haddad", email="", role=title, source="Careers page", notes=""
    )
    applications.apply(candidate, opening, manager)
