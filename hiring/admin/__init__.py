"""admin: see views.py for its blueprint."""
