"""One word for one thing: a reaction's `emoji` column held its key ("joy"), not its emoji
("😂"): it is `key` now. The tables follow the app (reactions_reaction,
reactions_reactioncount). The rows stay; the constraints that list the field are made
again over the renamed column, under the same names."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reactions", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="reaction", table=None),
        migrations.AlterModelTable(name="reactioncount", table=None),
        migrations.RemoveConstraint(model_name="reaction", name="reaction_one_per_reader_and_kind"),
        migrations.RemoveConstraint(model_name="reaction", name="reaction_has_kind"),
        migrations.RemoveConstraint(model_name="reactioncount", name="reaction_count_unique"),
        migrations.RenameField(model_name="reaction", old_name="emoji", new_name="key"),
        migrations.RenameField(model_name="reactioncount", old_name="emoji", new_name="key"),
        migrations.AddConstraint(
            model_name="reaction",
            constraint=models.UniqueConstraint(
                fields=("article", "reader_id", "key"), name="reaction_one_per_reader_and_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="reaction",
            constraint=models.CheckConstraint(
                condition=models.Q(("key", ""), _negated=True), name="reaction_has_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="reactioncount",
            constraint=models.UniqueConstraint(
                fields=("article", "key"), name="reaction_count_unique"
            ),
        ),
    ]
