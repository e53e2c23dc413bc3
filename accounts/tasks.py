from __future__ import annotations

from celery import shared_task


@shared_task(soft_time_limit=600, time_limit=900)
def purge_expired_personal_data() -> dict[str, int]:
    from .privacy import purge_expired

    return purge_expired()
