"""``taskforce.Milestone`` is renamed ``RecommendationMilestone`` (one name per concept: the
interim value of a key-figure goal is ``kpi.GoalMilestone``). The table is renamed with its
rows; audit events about the old name are pointed at the new one.
"""

from django.db import migrations

from stadtlage.audit.migration_ops import relabel_audit_events


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("taskforce", "0005_implementationmeasure"),
    ]

    operations = [
        migrations.RenameModel(old_name="Milestone", new_name="RecommendationMilestone"),
        relabel_audit_events("taskforce.milestone", "taskforce.recommendationmilestone"),
    ]
