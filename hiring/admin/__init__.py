from hiring.admin.views import bp

__all__ = ["bp"]
