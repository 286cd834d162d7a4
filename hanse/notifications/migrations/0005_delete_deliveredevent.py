from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_delete_scheduledjob'),
        ('jobs', '0002_deliveredevent'),
    ]

    # The table now belongs to hanse.jobs (see jobs 0002): forget the model, keep the table.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DeliveredEvent')],
            database_operations=[],
        ),
    ]
