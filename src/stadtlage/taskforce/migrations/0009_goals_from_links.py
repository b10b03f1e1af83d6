"""A recommendation's target is stored once, on the key figure's goal (issue #15, item 3).

Forward, for each link of a recommendation to a key figure:

- with a goal: the goal's values win; the copies on the link (baseline, its label, target,
  target date) are dropped even where they differed;
- without a goal but with a target and a target date: a goal is made from the copied values,
  titled like the recommendation, created by the recommendation's author, and active only if
  the Verwaltungsvorstand has adopted the recommendation (decided, decided with conditions,
  in implementation, completed, evaluated); otherwise inactive (it does not count among the
  figure's goals);
- without a goal and without a complete target (target and target date): a goal needs both, so
  loose values (a baseline alone, a target without date) are dropped; the link stays and names
  the figure without a target.

Then the columns go (0010, a migration of its own: PostgreSQL does not alter a table with
pending constraint checks in the same transaction). Backward, after 0010 restored the columns,
this copies each linked goal's values into them; the goals made forward stay (the link still
names them, as it could before). Like other data migrations, no audit rows are written.
"""

from django.db import migrations

ADOPTED = ("decided", "decided_with_conditions", "in_implementation", "completed", "evaluated")


def to_goals(apps, schema_editor):  # type: ignore[no-untyped-def]
    Link = apps.get_model("taskforce", "RecommendationIndicator")
    Goal = apps.get_model("kpi", "Goal")
    links = Link.objects.filter(
        goal__isnull=True, target__isnull=False, target_date__isnull=False
    ).select_related("recommendation")
    for link in links:
        rec = link.recommendation
        link.goal = Goal.objects.create(
            indicator_id=link.indicator_id,
            title=rec.title,
            baseline_value=link.baseline,
            baseline_label=link.baseline_label,
            target_value=link.target,
            target_date=link.target_date,
            is_active=rec.state in ADOPTED,
            created_by_id=rec.created_by_id,
        )
        link.save(update_fields=["goal"])


def from_goals(apps, schema_editor):  # type: ignore[no-untyped-def]
    Link = apps.get_model("taskforce", "RecommendationIndicator")
    for link in Link.objects.filter(goal__isnull=False).select_related("goal"):
        goal = link.goal
        link.baseline = goal.baseline_value
        link.baseline_label = goal.baseline_label
        link.target = goal.target_value
        link.target_date = goal.target_date
        link.save(update_fields=["baseline", "baseline_label", "target", "target_date"])


class Migration(migrations.Migration):

    dependencies = [
        ("taskforce", "0008_rename_permissions"),
        ("kpi", "0010_goal_baseline_optional"),
    ]

    operations = [
        migrations.RunPython(to_goals, from_goals),
    ]
