import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    # The "done once" ledger moved here from notifications: its table stays where it is, only
    # the model's owner changes (notifications 0005 drops it from its state, not the database).
    dependencies = [
        ('jobs', '0002_outboxevent'),
        ('notifications', '0002_delivery'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DeliveredEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=120, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': 'delivered event',
                        'verbose_name_plural': 'delivered events',
                        'db_table': 'notifications_deliveredevent',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
