"""The working group moved to ``organisations`` (see organisations 0002): the
recommendation's foreign key is re-pointed and the old model forgotten, in the migration state
only, so the table ``taskforce_workinggroup`` and its rows stay.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_workinggroup_in_organisations'),
        ('kpi', '0007_workinggroup_in_organisations'),
        ('organisations', '0002_workinggroup_in_organisations'),
        ('patrols', '0006_workinggroup_in_organisations'),
        ('reports', '0011_workinggroup_in_organisations'),
        ('taskforce', '0003_public_summary'),
    ]

    operations = [
        # State only: the table of the working groups stays where it is (organisations 0002).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='recommendation',
                    name='working_group',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recommendations', to='organisations.workinggroup', verbose_name='Arbeitsgruppe'),
                ),
                migrations.DeleteModel(
                    name='WorkingGroup',
                ),
            ],
        ),
    ]
