"""WorkingGroup moves from ``taskforce`` to ``organisations`` without touching its table.

The model is created here in the migration *state* only (``SeparateDatabaseAndState``) over the
existing table ``taskforce_workinggroup`` (kept by ``Meta.db_table``); the foreign keys of the other
apps are re-pointed in their state only (accounts 0005, kpi 0007, patrols 0006, reports 0011) and
``taskforce`` 0004 forgets the old model, again in state only. No row is copied or dropped.

In the database two labels follow the model: its content type (so permissions granted on it stay)
and the object type of its audit events (``taskforce.workinggroup`` → ``organisations.workinggroup``,
so a record's history for the data-protection officer stays one list). Both are reversible.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OLD, NEW = ("taskforce", "workinggroup"), ("organisations", "workinggroup")


def _relabel(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    if not types.filter(app_label=target[0], model=target[1]).exists():
        types.filter(app_label=source[0], model=source[1]).update(app_label=target[0])
    AuditEvent.objects.using(db).filter(object_type=".".join(source)).update(
        object_type=".".join(target)
    )


def move_labels(apps, schema_editor):
    _relabel(apps, schema_editor, OLD, NEW)


def move_labels_back(apps, schema_editor):
    _relabel(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('taskforce', '0003_public_summary'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='WorkingGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='Name')),
                        ('slug', models.SlugField(max_length=60, unique=True, verbose_name='Kürzel')),
                        ('mission', models.TextField(blank=True, verbose_name='Auftrag')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='Reihenfolge')),
                        ('is_active', models.BooleanField(default=True, verbose_name='aktiv')),
                        ('deputy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Stellvertretung')),
                        ('lead', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Leitung')),
                    ],
                    options={
                        'verbose_name': 'Arbeitsgruppe',
                        'verbose_name_plural': 'Arbeitsgruppen',
                        'db_table': 'taskforce_workinggroup',
                        'ordering': ['order', 'name'],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(move_labels, move_labels_back),
            ],
        ),
    ]
