"""The working group moved to ``organisations`` (see organisations 0002); only the
migration state of the foreign key changes, the column and its constraint stay.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0002_workinggroup_in_organisations'),
        ('patrols', '0005_cleaning_deadline_by_kind'),
    ]

    operations = [
        # State only: the table of the working groups stays where it is (organisations 0002).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='observationcategory',
                    name='working_group',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='organisations.workinggroup', verbose_name='Arbeitsgruppe'),
                ),
            ],
        ),
    ]
