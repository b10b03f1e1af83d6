"""A goal may lack its baseline: a Sonderstab recommendation can name a target before the
baseline is known, and its target is now stored on the goal (taskforce 0009). Backward needs
every goal to have a baseline again."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("kpi", "0009_rename_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="goal",
            name="baseline_value",
            field=models.FloatField(blank=True, null=True, verbose_name="Ausgangswert"),
        ),
    ]
