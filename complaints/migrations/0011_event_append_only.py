# The timeline is append-only in the database itself (PostgreSQL), not only by convention:
#  - UPDATE of an event is refused, always;
#  - DELETE of an event is refused unless its complaint is deleted in the same transaction
#    (checked at commit by a deferred constraint trigger: Django deletes a complaint's events
#    before the complaint row, so only the end of the transaction can tell).
# TRUNCATE (test flushes, the benchmark's reset) is a table owner's operation and is not
# covered. SQLite has no triggers of this kind: nothing happens there.

from django.db import migrations

FUNCTIONS_AND_TRIGGERS = """
CREATE OR REPLACE FUNCTION {event}_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the complaint timeline is append-only: event % may not be changed', OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE OR REPLACE FUNCTION {event}_delete_with_complaint() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {complaint} WHERE id = OLD.complaint_id) THEN
        RAISE EXCEPTION
            'the complaint timeline is append-only: event % was deleted, its complaint % was not',
            OLD.id, OLD.complaint_id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS {event}_no_update ON {event};
CREATE TRIGGER {event}_no_update
    BEFORE UPDATE ON {event}
    FOR EACH ROW EXECUTE FUNCTION {event}_refuse_update();

DROP TRIGGER IF EXISTS {event}_delete_with_complaint ON {event};
CREATE CONSTRAINT TRIGGER {event}_delete_with_complaint
    AFTER DELETE ON {event}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION {event}_delete_with_complaint();
"""

DROP = """
DROP TRIGGER IF EXISTS {event}_no_update ON {event};
DROP TRIGGER IF EXISTS {event}_delete_with_complaint ON {event};
DROP FUNCTION IF EXISTS {event}_refuse_update();
DROP FUNCTION IF EXISTS {event}_delete_with_complaint();
"""


def _tables(apps):
    return {
        "event": apps.get_model("complaints", "Event")._meta.db_table,
        "complaint": apps.get_model("complaints", "Complaint")._meta.db_table,
    }


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as it is (its % are PL/pgSQL's, not placeholders).
        schema_editor.execute(FUNCTIONS_AND_TRIGGERS.format(**_tables(apps)), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP.format(**_tables(apps)), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_open_complaint_indexes"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
