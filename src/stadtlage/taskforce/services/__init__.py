"""Writes of the Sonderstab, one module per aggregate; import from here.

All functions are keyword-only, take ``actor`` (``None`` = the system: seed data and management
commands) and write their audit event in the same transaction.
"""

from stadtlage.taskforce.services.groups import working_group_update
from stadtlage.taskforce.services.mayor_reports import (
    current_period,
    last_complete_period,
    mayor_report_generate,
    mayor_report_request,
)
from stadtlage.taskforce.services.meetings import (
    action_item_create,
    action_item_set_status,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_save,
    agenda_propose,
    attendance_set,
    meeting_cancel,
    meeting_close,
    meeting_create,
    meetings_plan,
    minutes_amend,
    minutes_record,
)
from stadtlage.taskforce.services.milestones import (
    milestone_remove,
    milestone_save,
    milestone_set_status,
)
from stadtlage.taskforce.services.publication import (
    recommendation_public_summary_approve,
    recommendation_public_summary_draft,
)
from stadtlage.taskforce.services.recommendations import (
    indicator_link_remove,
    indicator_link_save,
    measure_remove,
    measure_save,
    recommendation_create,
    recommendation_transition,
    recommendation_update,
)

__all__ = [
    "action_item_create",
    "action_item_set_status",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_save",
    "agenda_propose",
    "attendance_set",
    "current_period",
    "indicator_link_remove",
    "indicator_link_save",
    "last_complete_period",
    "mayor_report_generate",
    "mayor_report_request",
    "measure_remove",
    "measure_save",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meetings_plan",
    "milestone_remove",
    "milestone_save",
    "milestone_set_status",
    "minutes_amend",
    "minutes_record",
    "recommendation_create",
    "recommendation_public_summary_approve",
    "recommendation_public_summary_draft",
    "recommendation_transition",
    "recommendation_update",
    "working_group_update",
]
