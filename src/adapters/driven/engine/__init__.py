"""Where the chunks of catalogue jobs run: Celery workers on Redis, or threads of this process."""
