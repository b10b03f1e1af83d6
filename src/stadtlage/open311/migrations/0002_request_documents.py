"""Stored Open311 request documents (`open311.stored`) and the triggers that keep them honest.

Every write to a report, its timeline or photos, and every change of the code, name or
person-related flag of its category or of its organisation's name marks the report's document
stale: `body` becomes NULL and `rev` one higher (a row is created if there was none, so a reader
that read before the write can never store what it read). Deleting a report deletes its
document. Triggers, not signals: bulk `update()`, retention and raw SQL are covered too.
"""

import django.db.models.deletion
from django.db import migrations, models

DOC = "open311_requestdocument"
SQLITE_MARK = (
    f"INSERT INTO {DOC} (report_id, rev, fingerprint, body) VALUES ({{key}}, 1, '', NULL) "
    "ON CONFLICT (report_id) DO UPDATE SET rev = rev + 1, body = NULL;"
)
SQLITE_MARK_ALL = (
    f"INSERT INTO {DOC} (report_id, rev, fingerprint, body) "
    "SELECT id, 1, '', NULL FROM reports_report WHERE {column} = NEW.id "
    "ON CONFLICT (report_id) DO UPDATE SET rev = rev + 1, body = NULL;"
)
CATEGORY_CHANGED = (
    "OLD.code IS NOT NEW.code OR OLD.name IS NOT NEW.name "
    "OR OLD.person_related IS NOT NEW.person_related"
)
SQLITE_CREATE = [
    f"CREATE TRIGGER open311_doc_report_update AFTER UPDATE ON reports_report BEGIN "
    f"{SQLITE_MARK.format(key='NEW.id')} END",
    f"CREATE TRIGGER open311_doc_report_delete AFTER DELETE ON reports_report BEGIN "
    f"DELETE FROM {DOC} WHERE report_id = OLD.id; END",
    *(
        statement
        for table in ("reports_reportupdate", "reports_reportphoto")
        for statement in (
            f"CREATE TRIGGER open311_doc_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"{SQLITE_MARK.format(key='NEW.report_id')} END",
            f"CREATE TRIGGER open311_doc_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"{SQLITE_MARK.format(key='OLD.report_id')} "
            f"{SQLITE_MARK.format(key='NEW.report_id')} END",
            f"CREATE TRIGGER open311_doc_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{SQLITE_MARK.format(key='OLD.report_id')} END",
        )
    ),
    f"CREATE TRIGGER open311_doc_category AFTER UPDATE ON reports_servicecategory "
    f"WHEN {CATEGORY_CHANGED} BEGIN {SQLITE_MARK_ALL.format(column='category_id')} END",
    "CREATE TRIGGER open311_doc_organisation AFTER UPDATE ON organisations_organisation "
    f"WHEN OLD.name IS NOT NEW.name BEGIN {SQLITE_MARK_ALL.format(column='responsible_id')} END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS open311_doc_{name}"
    for name in (
        "report_update",
        "report_delete",
        *(
            f"{table}_{op}"
            for table in ("reports_reportupdate", "reports_reportphoto")
            for op in ("insert", "update", "delete")
        ),
        "category",
        "organisation",
    )
]

PG_CONFLICT = f"ON CONFLICT (report_id) DO UPDATE SET rev = {DOC}.rev + 1, body = NULL"
PG_CREATE = [
    f"""CREATE FUNCTION open311_doc_mark(key bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO {DOC} (report_id, rev, fingerprint, body) VALUES (key, 1, '', NULL)
        {PG_CONFLICT};
    $$""",
    f"""CREATE FUNCTION open311_doc_report() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {DOC} WHERE report_id = OLD.id;
        ELSE
            PERFORM open311_doc_mark(NEW.id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION open311_doc_child() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM open311_doc_mark(OLD.report_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM open311_doc_mark(NEW.report_id);
        END IF;
        RETURN NULL;
    END $$""",
    *(
        f"""CREATE FUNCTION open311_doc_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {DOC} (report_id, rev, fingerprint, body)
            SELECT id, 1, '', NULL FROM reports_report WHERE {column} = NEW.id {PG_CONFLICT};
            RETURN NULL;
        END $$"""
        for name, column in (("category", "category_id"), ("organisation", "responsible_id"))
    ),
    "CREATE TRIGGER open311_doc_report AFTER UPDATE OR DELETE ON reports_report "
    "FOR EACH ROW EXECUTE FUNCTION open311_doc_report()",
    *(
        f"CREATE TRIGGER open311_doc_child AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION open311_doc_child()"
        for table in ("reports_reportupdate", "reports_reportphoto")
    ),
    "CREATE TRIGGER open311_doc_category AFTER UPDATE ON reports_servicecategory FOR EACH ROW "
    f"WHEN ({CATEGORY_CHANGED.replace('IS NOT', 'IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION open311_doc_category()",
    "CREATE TRIGGER open311_doc_organisation AFTER UPDATE ON organisations_organisation "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION open311_doc_organisation()",
]
PG_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in (
            ("open311_doc_report", "reports_report"),
            ("open311_doc_child", "reports_reportupdate"),
            ("open311_doc_child", "reports_reportphoto"),
            ("open311_doc_category", "reports_servicecategory"),
            ("open311_doc_organisation", "organisations_organisation"),
        )
    ),
    *(
        f"DROP FUNCTION IF EXISTS {name}"
        for name in (
            "open311_doc_report()",
            "open311_doc_child()",
            "open311_doc_category()",
            "open311_doc_organisation()",
            "open311_doc_mark(bigint)",
        )
    ),
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"no Open311 document triggers for {vendor}")
        for statement in statements[vendor]:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("organisations", "0002_workinggroup_in_organisations"),
        ("reports", "0012_open_queue_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RequestDocument",
            fields=[
                (
                    "report",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="open311_document",
                        serialize=False,
                        to="reports.report",
                    ),
                ),
                ("rev", models.BigIntegerField(default=0)),
                ("fingerprint", models.CharField(blank=True, max_length=16)),
                ("body", models.BinaryField(null=True)),
            ],
            options={
                "verbose_name": "Open311-Dokument",
                "verbose_name_plural": "Open311-Dokumente",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": PG_DROP}),
        ),
    ]
