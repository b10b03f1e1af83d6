"""The link of a recommendation to a key figure no longer copies the goal's values (see 0009,
which moved them onto goals first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("taskforce", "0009_goals_from_links"),
    ]

    operations = [
        migrations.RemoveField(model_name="recommendationindicator", name="baseline"),
        migrations.RemoveField(model_name="recommendationindicator", name="baseline_label"),
        migrations.RemoveField(model_name="recommendationindicator", name="target"),
        migrations.RemoveField(model_name="recommendationindicator", name="target_date"),
    ]
