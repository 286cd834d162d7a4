"""The roles of issue 20 as Django groups with their permissions (hanse/identity/roles.py):
communications (announcements), moderator, analytics viewer and circle coordinator. The
administrator is no group: it is the superuser flag that ``is_platform_admin`` reads."""

from django.db import migrations

# group name -> (app label, model, codename, permission name); kept here as written at the
# time, so that a later change of hanse/identity/roles.py does not rewrite history.
ROLES = {
    "Kommunikation": (
        "posts",
        "announcement",
        "publish_announcement",
        "Can publish company announcements",
    ),
    "Moderation": (
        "moderation",
        "report",
        "moderate_platform",
        "Can moderate all content (platform moderator)",
    ),
    "Netzwerkanalyse": (
        "analytics",
        "analyticssettings",
        "view_analytics",
        "Can see network analytics",
    ),
    "Circle-Koordination": (
        "circles",
        "circleround",
        "coordinate_circles",
        "Coordinate circles and multipliers",
    ),
}


def create_groups(apps, schema_editor):  # type: ignore[no-untyped-def]
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    for name, (app_label, model, codename, label) in ROLES.items():
        # Permissions are normally created after migrations run; create them now so that the
        # groups can hold them on a fresh database (post_migrate finds them in place).
        content_type, _ = content_type_model.objects.get_or_create(
            app_label=app_label, model=model
        )
        permission, _ = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": label}
        )
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(permission)


def remove_groups(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Kommunikation belongs to posts' own migration; the others are this one's.
    names = [name for name in ROLES if name != "Kommunikation"]
    apps.get_model("auth", "Group").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0005_hr_import"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
