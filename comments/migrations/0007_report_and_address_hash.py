"""One word for one thing: a reader's "flag" is a report (Flag -> Report, flag_count ->
report_count), and a client's "ip_hash" an address hash (-> address_hash). The data
stays; the indexes and constraints that named or filtered on the old names are made
again under the new ones, and the permissions keep their groups."""

import django.db.models.deletion
from django.db import migrations, models

RENAMED_PERMISSIONS = {
    f"{action}_flag": f"{action}_report" for action in ("add", "change", "delete", "view")
}


def rename_permissions(apps, schema_editor, renamed=RENAMED_PERMISSIONS):
    Permission = apps.get_model("auth", "Permission")
    for old, new in renamed.items():
        for permission in Permission.objects.filter(
            content_type__app_label="comments", codename=old
        ):
            permission.codename = new
            permission.name = permission.name.replace(" flag", " report")
            permission.save(update_fields=["codename", "name"])


def restore_permissions(apps, schema_editor):
    rename_permissions(
        apps, schema_editor, renamed={new: old for old, new in RENAMED_PERMISSIONS.items()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comments", "0006_held_thread_index"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="comment", name="comment_flag_count_not_negative"),
        migrations.RemoveIndex(model_name="comment", name="comment_address_idx"),
        migrations.RemoveConstraint(model_name="readerban", name="reader_ban_has_target"),
        migrations.RemoveIndex(model_name="readerban", name="reader_ban_active_address_idx"),
        migrations.RemoveConstraint(model_name="flag", name="flag_one_per_reader"),
        migrations.RemoveConstraint(model_name="flag", name="flag_reason_valid"),
        migrations.RemoveConstraint(model_name="flag", name="flag_has_reader"),
        migrations.RenameIndex(
            model_name="flag",
            new_name="report_comment_created_idx",
            old_name="flag_comment_created_idx",
        ),
        migrations.RenameIndex(
            model_name="flag", new_name="report_reader_idx", old_name="flag_reader_idx"
        ),
        migrations.RenameModel(old_name="Flag", new_name="Report"),
        migrations.RenameField(
            model_name="comment", old_name="flag_count", new_name="report_count"
        ),
        migrations.RenameField(model_name="comment", old_name="ip_hash", new_name="address_hash"),
        migrations.RenameField(model_name="report", old_name="ip_hash", new_name="address_hash"),
        migrations.RenameField(model_name="readerban", old_name="ip_hash", new_name="address_hash"),
        migrations.AlterField(
            model_name="report",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="comments.comment",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(("report_count__gte", 0)),
                name="comment_report_count_not_negative",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["article", "address_hash"], name="comment_address_idx"),
        ),
        migrations.AddConstraint(
            model_name="readerban",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reader_id", ""), _negated=True),
                    models.Q(("address_hash", ""), _negated=True),
                    _connector="OR",
                ),
                name="reader_ban_has_target",
            ),
        ),
        migrations.AddIndex(
            model_name="readerban",
            index=models.Index(
                condition=models.Q(
                    ("lifted_at__isnull", True), models.Q(("address_hash", ""), _negated=True)
                ),
                fields=["address_hash"],
                name="reader_ban_active_address_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("comment", "reader_id"), name="report_one_per_reader"
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason__in", ["spam", "abuse", "off-topic", "other"])),
                name="report_reason_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("reader_id", ""), _negated=True), name="report_has_reader"
            ),
        ),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
