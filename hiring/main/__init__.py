"""main: see views.py for its blueprint."""
