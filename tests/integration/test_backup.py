"""The README's backup and restore of the database (pg_dump / pg_restore), tried for real."""

import os
import shutil
import subprocess

import psycopg2
import pytest
from django.db import connection

from complaints import lifecycle
from tests.factories import file

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _dsn(name):
    s = connection.settings_dict
    return {
        "dbname": name,
        "user": s["USER"],
        "password": s["PASSWORD"] or None,
        "host": s["HOST"] or None,
        "port": s["PORT"] or None,
    }


def _tool_env():
    s = connection.settings_dict
    env = {"PGUSER": s["USER"] or "", "PGHOST": s["HOST"] or "", "PGPORT": str(s["PORT"] or "")}
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return {k: v for k, v in env.items() if v}


def _run(*command, env):
    """Run a PostgreSQL client program by its full path."""
    subprocess.run([shutil.which(command[0]), *command[1:]], check=True, env=env)  # noqa: S603


def _rows(dsn, sql):
    with psycopg2.connect(**dsn) as db, db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_dump_restores_into_a_new_database_with_every_complaint_and_the_append_only_guard(
    postgres, tmp_path, verifier
):
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the documented backup")
    c, _key = file(category="jalan_rusak", desa="51.03.01.1001")
    lifecycle.reject(c, actor=verifier, reason="Bukan wewenang pemerintah kabupaten.")
    for _ in range(3):
        file(category="sampah_tidak_terangkut", desa="51.03.02.2001")
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    env = {**os.environ, **_tool_env()}
    dump = tmp_path / "badung.dump"
    # The README's commands.
    _run("pg_dump", "-Fc", "-d", source, "-f", str(dump), env=env)
    _run("dropdb", "--if-exists", target, env=env)
    _run("createdb", target, env=env)
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump), env=env)
        query = "SELECT tracking_code, status FROM complaints_complaint ORDER BY tracking_code"
        events = "SELECT complaint_id, action FROM complaints_event ORDER BY id"
        assert _rows(_dsn(target), query) == _rows(_dsn(source), query)
        assert _rows(_dsn(target), events) == _rows(_dsn(source), events)
        assert len(_rows(_dsn(target), query)) == 4
        # The trigger that keeps the timeline append-only came back with the data.
        with pytest.raises(psycopg2.Error, match="append-only"):
            _rows(_dsn(target), "UPDATE complaints_event SET internal_note = 'x' RETURNING id")
    finally:
        _run("dropdb", "--if-exists", target, env=env)
