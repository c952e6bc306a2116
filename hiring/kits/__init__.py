"""kits: see views.py for its blueprint."""
