from django.urls import path

from stadtlage.taskforce.views import mayor_reports, meetings, overview, recommendations

app_name = "taskforce"

R = recommendations
M = meetings
urlpatterns = [
    path("", overview.index, name="index"),
    path("arbeitsgruppen/<slug:slug>/", overview.group_detail, name="group_detail"),
    path("arbeitsgruppen/<slug:slug>/bearbeiten/", overview.group_edit, name="group_edit"),
    path("vorstand/", overview.board, name="board"),
    path("ergebnisse/", overview.results, name="results"),
    path("kalender.ics", overview.calendar, name="calendar"),
    # Recommendations
    path("empfehlungen/", R.recommendation_list, name="recommendation_list"),
    path("empfehlungen/neu/", R.recommendation_create, name="recommendation_create"),
    path("empfehlungen/<int:pk>/", R.recommendation_detail, name="recommendation_detail"),
    path("empfehlungen/<int:pk>/bearbeiten/", R.recommendation_edit, name="recommendation_edit"),
    path("empfehlungen/<int:pk>/status/", R.recommendation_transition, name="transition"),
    path("empfehlungen/<int:pk>/oeffentlich/", R.public_summary, name="public_summary"),
    path(
        "empfehlungen/<int:pk>/oeffentlich/freigeben/",
        R.public_summary_approve,
        name="public_summary_approve",
    ),
    path("empfehlungen/<int:pk>/kennzahlen/", R.indicator_add, name="indicator_add"),
    path(
        "empfehlungen/<int:pk>/kennzahlen/<int:link_id>/entfernen/",
        R.indicator_remove,
        name="indicator_remove",
    ),
    path("empfehlungen/<int:pk>/massnahmen/", R.measure_add, name="measure_add"),
    path(
        "empfehlungen/<int:pk>/massnahmen/<int:measure_id>/entfernen/",
        R.measure_remove,
        name="measure_remove",
    ),
    path("empfehlungen/<int:pk>/meilensteine/", R.milestone_add, name="milestone_add"),
    path(
        "empfehlungen/<int:pk>/meilensteine/<int:milestone_id>/entfernen/",
        R.milestone_remove,
        name="milestone_remove",
    ),
    path("meilensteine/<int:pk>/status/", R.milestone_status, name="milestone_status"),
    # Meetings
    path("sitzungen/", M.meeting_list, name="meeting_list"),
    path("sitzungen/planen/", M.meetings_plan, name="meetings_plan"),
    path("sitzungen/neu/", M.meeting_create, name="meeting_create"),
    path("sitzungen/<int:pk>/", M.meeting_detail, name="meeting_detail"),
    path("sitzungen/<int:pk>/vorschlagen/", M.agenda_propose, name="agenda_propose"),
    path("sitzungen/<int:pk>/tagesordnung/", M.agenda_item_add, name="agenda_item_add"),
    path("sitzungen/<int:pk>/auftraege/", M.action_item_add, name="action_item_add"),
    path("sitzungen/<int:pk>/anwesenheit/", M.attendance_save, name="attendance_save"),
    path("sitzungen/<int:pk>/abschliessen/", M.meeting_close, name="meeting_close"),
    path("sitzungen/<int:pk>/nachtrag/", M.minutes_amend, name="minutes_amend"),
    path("top/<int:item_id>/protokoll/", M.minutes_record, name="minutes_record"),
    path("top/<int:item_id>/verschieben/", M.agenda_item_move, name="agenda_item_move"),
    path("top/<int:item_id>/entfernen/", M.agenda_item_remove, name="agenda_item_remove"),
    path("auftraege/<int:pk>/status/", M.action_item_status, name="action_item_status"),
    # Reports to the Oberbürgermeister
    path("berichte/", mayor_reports.mayor_report_list, name="mayor_report_list"),
    path("berichte/anfordern/", mayor_reports.mayor_report_request, name="mayor_report_request"),
    path("berichte/<int:pk>/", mayor_reports.mayor_report_detail, name="mayor_report_detail"),
    path("berichte/<int:pk>/pdf/", mayor_reports.mayor_report_pdf, name="mayor_report_pdf"),
]
