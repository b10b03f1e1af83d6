"""The working group moved to ``organisations`` (see organisations 0002); only the
migration state of the foreign key changes, the column and its constraint stay.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_identityprovider_externalidentity'),
        ('organisations', '0002_workinggroup_in_organisations'),
    ]

    operations = [
        # State only: the table of the working groups stays where it is (organisations 0002).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='membership',
                    name='working_group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='organisations.workinggroup', verbose_name='Arbeitsgruppe'),
                ),
            ],
        ),
    ]
