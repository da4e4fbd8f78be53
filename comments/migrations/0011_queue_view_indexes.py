from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_surge"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("reported_at__isnull", False)),
                fields=["-report_count", "reported_at", "id"],
                name="comment_most_reported_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("reported_at__isnull", True),
                    ("status", "pending"),
                    models.Q(
                        ("moderation_reason__in", ["", "pre-moderated article"]), _negated=True
                    ),
                ),
                fields=["created_at", "id"],
                name="comment_held_by_rule_idx",
            ),
        ),
    ]
