"""The app's Celery tasks, where Celery's autodiscovery looks for them (`<app>.tasks`).
Each room keeps its own: the reminders' scan is meetings/calendars/tasks.py."""

from .calendars.tasks import scan_reminders

__all__ = ["scan_reminders"]
