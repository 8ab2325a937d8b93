FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=badung_portal.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

WORKDIR /app

# Dependencies come from pyproject alone, so this layer survives source edits.
# The project itself is not pip-installed: it runs from /app, where the
# top-level templates/, static/ and locale/ folders live.
COPY pyproject.toml .
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Collect with the production storage: whitenoise's manifest (staticfiles.json)
# only exists then, and production pages fail without it. The dummy values
# merely satisfy the production settings; nothing touches the database.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && chmod +x deploy/entrypoint.sh

# /data/media is created here so a fresh named volume inherits this ownership.
RUN groupadd --system app \
    && useradd --system --gid app --create-home app \
    && mkdir -p /data/media \
    && chown app:app /data/media
USER app

EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
