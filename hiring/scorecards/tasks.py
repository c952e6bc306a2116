"""The reminders' schedule: a periodic task, so that no cron line is needed (the
`send-reminders` command stays for those who prefer cron)."""

from flask import current_app

from hiring import tasks
from hiring.scorecards.operations import remind_overdue


@tasks.periodic(minute="5")
def remind() -> None:
    """Each hour: remind interviewers of overdue scorecards, once per REMINDER_HOURS each."""
    config = current_app.config
    with current_app.test_request_context(base_url=config["BASE_URL"] or None):
        remind_overdue(config["OVERDUE_HOURS"], config["REMINDER_HOURS"])
