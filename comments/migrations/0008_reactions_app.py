"""Reaction and ReactionCount move to the reactions app (reactions.0001 takes them over
where they are): here they leave the comments app's state only; no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_report_and_address_hash"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Reaction"),
                migrations.DeleteModel(name="ReactionCount"),
            ],
            database_operations=[],
        ),
    ]
