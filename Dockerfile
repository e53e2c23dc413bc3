# Samspil's production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SAMSPIL_VAR_DIR=/srv/samspil/var MEDIA_ROOT=/srv/samspil/media

# Pango for WeasyPrint (agreement PDFs); postgresql-client for the backup script.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/samspil/app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=build-only python manage.py compiletranslations \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && useradd --system --home /srv/samspil samspil \
 && mkdir -p /srv/samspil/var /srv/samspil/media \
 && chown -R samspil /srv/samspil/var /srv/samspil/media

USER samspil
EXPOSE 8000
CMD ["gunicorn", "samspil.wsgi:application", "-c", "samspil/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "2", "--max-requests", "2000", "--max-requests-jitter", "200"]
