"""The data protection officer's role: a group "Datenschutzbeauftragte" that may read the
record of processing activities."""

from django.db import migrations

GROUP = "Datenschutzbeauftragte"


def create_group(apps, schema_editor):  # type: ignore[no-untyped-def]
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    # Permissions are normally created after migrations run; create this one now so that the
    # group can hold it on a fresh database (the later post_migrate step finds it in place).
    content_type, _ = content_type_model.objects.get_or_create(
        app_label="processing", model="processingrecord"
    )
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type,
        codename="view_processing_record",
        defaults={"name": "Can view the record of processing activities"},
    )
    group, _ = group_model.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("processing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
