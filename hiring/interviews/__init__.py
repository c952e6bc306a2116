"""interviews: see views.py for its blueprint."""
