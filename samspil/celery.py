"""The Celery app. Settings come from Django's settings under the CELERY_ prefix.

Imported by the worker and the beat (`celery -A samspil`) and by every tasks module, which
takes `shared_task` from here (`from samspil.celery import shared_task`): the app then
exists before a task is defined or sent. A web worker imports this only when it sends a
task (samspil/__init__.py says why).
"""

import os

from celery import Celery, shared_task
from celery.signals import task_postrun, task_prerun, worker_init

from audit import context as audit_context
from samspil.broker import ensure_filesystem_broker_folders

__all__ = ("app", "ensure_filesystem_broker_folders", "shared_task")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")

app = Celery("samspil")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _prepare_broker(**kwargs) -> None:
    ensure_filesystem_broker_folders()


# The audit trail: a task acts as the system, named after the task (audit/context.py).
_audit_tokens: dict = {}


@task_prerun.connect(weak=False, dispatch_uid="audit-task-start")
def _audit_task_started(task_id=None, task=None, **kwargs) -> None:
    actor = audit_context.Actor(source=f"task:{task.name}"[:255], request_id=task_id or "")
    _audit_tokens[task_id] = audit_context.set_actor(actor)


@task_postrun.connect(weak=False, dispatch_uid="audit-task-end")
def _audit_task_finished(task_id=None, **kwargs) -> None:
    token = _audit_tokens.pop(task_id, None)
    if token is not None:
        audit_context.reset(token)
