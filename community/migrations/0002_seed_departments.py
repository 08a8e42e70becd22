from django.db import migrations

from community.departments import DEPARTMENTS


def seed(apps, schema_editor):
    Department = apps.get_model("community", "Department")
    for code, name, kind, supervises, order in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "supervises": supervises, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
