from samspil.celery import shared_task

from . import services


@shared_task
def run_import_job(job_id: int) -> None:
    services.import_job_run(job_id=job_id)


@shared_task(soft_time_limit=120, time_limit=180)
def close_ended_memberships() -> int:
    return len(services.close_ended_memberships())
