"""questions: see views.py for its blueprint."""
