from hiring.questions.views import bp

__all__ = ["bp"]
