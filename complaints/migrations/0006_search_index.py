from django.db import migrations

# The same expression as selectors.search builds with SearchVector("title", "description",
# config="simple"), so that PostgreSQL answers full-text searches from this index.
CREATE = """
CREATE INDEX IF NOT EXISTS complaint_search_simple ON complaints_complaint
USING gin (to_tsvector('simple'::regconfig,
    COALESCE("title", '') || ' ' || COALESCE("description", '')))
"""
DROP = "DROP INDEX IF EXISTS complaint_search_simple"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0005_photo_added_event")]
    operations = [migrations.RunPython(create, drop)]
