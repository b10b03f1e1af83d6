"""``taskforce.Measure`` is renamed ``ImplementationMeasure`` (one name per concept: the field
measure of a patrol stays ``patrols.Measure``). The table is renamed with its rows; audit events
about the old name are pointed at the new one so a record's history stays whole.
"""

from django.db import migrations

OLD, NEW = "taskforce.measure", "taskforce.implementationmeasure"


def forwards(apps, schema_editor):
    apps.get_model("audit", "AuditEvent").objects.filter(object_type=OLD).update(object_type=NEW)


def backwards(apps, schema_editor):
    apps.get_model("audit", "AuditEvent").objects.filter(object_type=NEW).update(object_type=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("evaluation", "0001_initial"),
        ("taskforce", "0004_workinggroup_in_organisations"),
    ]

    operations = [
        migrations.RenameModel(old_name="Measure", new_name="ImplementationMeasure"),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
