"""Reaction and ReactionCount, as they were in the comments app (comments.0008 lets them
go): the state only, on the tables that already hold them, comments_reaction and
comments_reactioncount. Their content types follow them, with the permissions and admin
log entries that point at those. 0002 renames the tables and the field."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("reaction", "reactioncount")


def move_content_types(apps, schema_editor, source="comments", target="reactions"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="reactions", target="comments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0004_publish_permission"),
        ("comments", "0008_reactions_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reaction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reader_id", models.CharField(max_length=64)),
                        ("emoji", models.CharField(max_length=32)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reactions",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "comments_reaction",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "reader_id", "emoji"),
                                name="reaction_one_per_reader_and_kind",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("reader_id", ""), _negated=True),
                                name="reaction_has_reader",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("emoji", ""), _negated=True),
                                name="reaction_has_kind",
                            ),
                        ],
                        "indexes": [
                            models.Index(
                                fields=["article", "created_at"],
                                name="reaction_article_created_idx",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReactionCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("emoji", models.CharField(max_length=32)),
                        ("count", models.PositiveIntegerField(default=0)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reaction_counts",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "comments_reactioncount",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "emoji"), name="reaction_count_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("count__gte", 0)),
                                name="reaction_count_not_negative",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
