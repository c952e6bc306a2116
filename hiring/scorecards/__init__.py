"""scorecards: see views.py for its blueprint."""
