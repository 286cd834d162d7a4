"""Co-authors are invited and accept (CoauthorInvitation). The co-authors already in
``Idea.coauthors`` were added before anyone was asked; they count as accepted: their rows stay
where they are and no invitation is created for them, so nothing else moves."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0002_coauthors_files_budget_story'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CoauthorInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('declined_at', models.DateTimeField(blank=True, null=True, verbose_name='declined at')),
                ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coauthor_invitations', to='ideas.idea', verbose_name='idea')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idea_coauthor_invitations', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'co-author invitation',
                'verbose_name_plural': 'co-author invitations',
                'ordering': ['created_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('idea', 'user'), name='idea_coauthor_invitation_unique')],
            },
        ),
    ]
