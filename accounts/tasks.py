from __future__ import annotations

from samspil.celery import shared_task


@shared_task(soft_time_limit=600, time_limit=900)
def purge_expired_personal_data() -> dict[str, int]:
    from .privacy import purge_expired

    return purge_expired()


@shared_task(soft_time_limit=1800, time_limit=2000)
def run_invitation_round(round_id: int) -> None:
    from .services import invitation_round_run

    invitation_round_run(round_id=round_id)
