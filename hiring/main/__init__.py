from hiring.main.views import bp

__all__ = ["bp"]
