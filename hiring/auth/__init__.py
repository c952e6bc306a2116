"""auth: see views.py for its blueprint."""
