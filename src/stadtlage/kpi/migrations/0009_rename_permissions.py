"""The permissions of the renamed milestone follow its name (0008): ``view_milestone`` becomes
``view_goalmilestone`` and so on, so that groups and users who held a permission keep it and no
rows under the old codenames remain.
"""

from django.conf import settings
from django.db import migrations

from stadtlage.accounts.migration_ops import rename_permissions


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("kpi", "0008_goalmilestone"),
    ]

    operations = [
        rename_permissions("kpi", "Milestone", "GoalMilestone"),
    ]
