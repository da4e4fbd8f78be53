from django.apps import AppConfig


class FloorConfig(AppConfig):
    """The benchmark's floors and its moderation-queue command (bench_queue); installed
    only by bench/settings.py."""

    name = "bench.floor"
    label = "bench_floor"
    default_auto_field = "django.db.models.BigAutoField"
