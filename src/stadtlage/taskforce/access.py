"""Access-log classification of the Sonderstab pages (see `stadtlage.audit.access`).

Recommendations, meetings with minutes and attendance, and the reports to the
Oberbürgermeister are internal records: every page that shows them is logged. Actions that only
write (POST) are logged when they show the record again with an error.
"""

from stadtlage.audit.access import logged, no_records, register
from stadtlage.audit.display import register_link
from stadtlage.audit.models import Action

REC = logged("taskforce.recommendation")
MEETING = logged("taskforce.meeting")
ITEM = logged("taskforce.agendaitem")

register(
    {
        "taskforce:index": logged("taskforce.overview"),
        "taskforce:group_detail": logged("organisations.workinggroup"),
        "taskforce:group_edit": logged("organisations.workinggroup"),
        "taskforce:board": logged("taskforce.board"),
        "taskforce:results": logged("taskforce.results"),
        "taskforce:calendar": logged("taskforce.meeting", action=Action.EXPORT),
        "taskforce:recommendation_list": REC,
        "taskforce:recommendation_create": no_records("leeres Formular"),
        "taskforce:recommendation_detail": REC,
        "taskforce:recommendation_edit": REC,
        "taskforce:transition": REC,
        "taskforce:indicator_add": REC,
        "taskforce:indicator_remove": REC,
        "taskforce:measure_add": REC,
        "taskforce:measure_remove": REC,
        "taskforce:milestone_add": REC,
        "taskforce:milestone_remove": REC,
        "taskforce:milestone_status": logged("taskforce.recommendationmilestone"),
        "taskforce:public_summary": REC,
        "taskforce:public_summary_approve": REC,
        "taskforce:meeting_list": MEETING,
        "taskforce:meetings_plan": MEETING,
        "taskforce:meeting_create": no_records("leeres Formular"),
        "taskforce:meeting_detail": MEETING,
        "taskforce:agenda_propose": MEETING,
        "taskforce:agenda_item_add": MEETING,
        "taskforce:action_item_add": MEETING,
        "taskforce:attendance_save": MEETING,
        "taskforce:meeting_close": MEETING,
        "taskforce:minutes_amend": MEETING,
        "taskforce:minutes_record": ITEM,
        "taskforce:agenda_item_move": ITEM,
        "taskforce:agenda_item_remove": ITEM,
        "taskforce:action_item_status": logged("taskforce.actionitem"),
        "taskforce:mayor_report_list": logged("taskforce.mayorreport"),
        "taskforce:mayor_report_request": logged("taskforce.mayorreport"),
        "taskforce:mayor_report_detail": logged("taskforce.mayorreport"),
        "taskforce:mayor_report_pdf": logged("taskforce.mayorreport", action=Action.EXPORT),
    }
)


def _recommendations_visible(user: object, ids: list[str]) -> set[str]:
    from stadtlage.taskforce.permissions import recommendations_visible_to

    found = recommendations_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    return {str(pk) for pk in found}


def _meetings_visible(user: object, ids: list[str]) -> set[str]:
    from stadtlage.taskforce.models import Meeting
    from stadtlage.taskforce.permissions import can_view_taskforce

    if not can_view_taskforce(user):
        return set()
    return {str(pk) for pk in Meeting.objects.filter(pk__in=ids).values_list("pk", flat=True)}


# The audit trail links recommendations and meetings for people of the Sonderstab.
register_link(
    "taskforce.recommendation", "taskforce:recommendation_detail", _recommendations_visible
)
register_link("taskforce.meeting", "taskforce:meeting_detail", _meetings_visible)
