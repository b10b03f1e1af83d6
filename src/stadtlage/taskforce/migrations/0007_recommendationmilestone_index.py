"""The milestone's (status, due_date) index follows the model's new name (0006 renamed the
model; Django names indexes after the model, so the autodetector wants the new name)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("taskforce", "0006_recommendationmilestone"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="recommendationmilestone",
            new_name="taskforce_r_status_e8f4c5_idx",
            old_name="taskforce_m_status_811495_idx",
        ),
    ]
