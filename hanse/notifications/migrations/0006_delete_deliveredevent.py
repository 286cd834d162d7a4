from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_push_failed_state'),
        ('jobs', '0003_deliveredevent'),
    ]

    # The table now belongs to hanse.jobs (see jobs 0002): forget the model, keep the table.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DeliveredEvent')],
            database_operations=[],
        ),
    ]
