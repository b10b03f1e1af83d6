"""``taskforce.Measure`` is renamed ``ImplementationMeasure`` (one name per concept: the field
measure of a patrol stays ``patrols.Measure``). The table is renamed with its rows; audit events
about the old name are pointed at the new one so a record's history stays whole.
"""

from django.db import migrations

from stadtlage.audit.migration_ops import relabel_audit_events


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("evaluation", "0001_initial"),
        ("taskforce", "0004_workinggroup_in_organisations"),
    ]

    operations = [
        migrations.RenameModel(old_name="Measure", new_name="ImplementationMeasure"),
        relabel_audit_events("taskforce.measure", "taskforce.implementationmeasure"),
    ]
