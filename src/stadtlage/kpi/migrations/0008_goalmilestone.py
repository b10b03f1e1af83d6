"""``kpi.Milestone`` is renamed ``GoalMilestone`` (one name per concept: the milestone of a
recommendation is ``taskforce.RecommendationMilestone``). The table is renamed with its rows;
audit events about the old name are pointed at the new one.
"""

from django.db import migrations

from stadtlage.audit.migration_ops import relabel_audit_events


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("kpi", "0007_workinggroup_in_organisations"),
    ]

    operations = [
        migrations.RenameModel(old_name="Milestone", new_name="GoalMilestone"),
        relabel_audit_events("kpi.milestone", "kpi.goalmilestone"),
    ]
