"""Fill `Report.public_description` of existing reports with the masked description.

Reports written before 0004 have an empty public text; the public pages and Open311 show
nothing until it is filled. Batches of BATCH rows by primary key (keyset paging, so the
table can have any size and is never read while it is written in the same cursor — SQLite
has no isolation between a running query and updates on the same connection).

The masking function is imported from `stadtlage.reports.redaction` on purpose instead of a
frozen copy: there must be only one set of rules for what the public sees, and a newer,
stricter rule is what an old database should get too. `redact` is a pure function of a string
and uses no models. If that module is ever moved or removed, replace the import below with a
copy of the function as it was then.

Reverse: nothing to undo (0004 removes the column).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from stadtlage.reports.redaction import redact

BATCH = 1000


def fill_public_description(apps: Any, schema_editor: Any) -> None:
    Report = apps.get_model("reports", "Report")
    db = schema_editor.connection.alias
    pending = (
        Report.objects.using(db)
        .filter(public_description="")
        .exclude(description="")
        .order_by("pk")
    )
    last = 0
    while True:
        rows = list(pending.filter(pk__gt=last).values_list("pk", "description")[:BATCH])
        if not rows:
            return
        changed = [Report(pk=pk, public_description=redact(text)) for pk, text in rows]
        Report.objects.using(db).bulk_update(changed, ["public_description"], batch_size=500)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_location_basis_public_description"),
    ]

    operations = [
        migrations.RunPython(fill_public_description, migrations.RunPython.noop, elidable=True),
    ]
