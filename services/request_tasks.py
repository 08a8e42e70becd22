"""Celery tasks of residents' requests."""
