"""Samspil, the project package.

The Celery app (samspil/celery.py) is not imported here, as Django's Celery guide does:
a web worker never runs a task, and Celery with kombu, yaml and click is ≈10 MB in every
gunicorn worker (issue 19). It is imported by what needs it: `celery -A samspil` finds
`samspil.celery.app`, and every tasks module takes `shared_task` from samspil/celery.py,
so the app exists, configured from Django's settings, before a task is defined or sent.
`samspil.celery_app` still answers, importing it on first use.
"""

from samspil import lazyimports

lazyimports.install()


def __getattr__(name: str):
    if name == "celery_app":
        from samspil.celery import app

        return app
    raise AttributeError(f"module 'samspil' has no attribute {name!r}")
