"""A busy or full system answers 503 « réessayez dans un instant », never a 500, and loses
nothing (SECURITY.md, durability): a database whose write lock another process holds
past the busy timeout, and a data directory on a real, small filesystem (tmpfs) that
fills up during an upload and a sign-up, then gets room again."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests import databases
from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, errors
from tests.test_accounts import SIGNUP, identity
from tests.test_uploads import pdf, registered
from worker.store import db

UNAVAILABLE = "Service momentanément indisponible"


def accounts_with(app, email: str) -> int:
    with app.app_context():
        query = "SELECT count(*) FROM accounts WHERE email = ?"
        return db.get().execute(query, [email]).fetchone()[0]


def test_a_database_locked_past_the_busy_timeout_answers_503_then_works(
    tmp_path, site_dir, mailbox
):
    app = make_app(tmp_path / "data", site_dir, mailbox, DATABASE_BUSY_SECONDS=0.5)
    client = FormClient(app.test_client())
    data = identity()
    with databases.write_lock(tmp_path / "data"):  # another process keeps the write lock
        busy = client.submit(SIGNUP, data)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"].isdigit()
    assert UNAVAILABLE in busy.get_data(as_text=True)
    assert accounts_with(app, data["email"]) == 0  # nothing half-done

    again = client.submit(SIGNUP, data)
    assert again.status_code == 303, errors(again)
    assert accounts_with(app, data["email"]) == 1
    stop_mail(app)


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A real 24 MiB filesystem for DATA_DIR (tmpfs, mounted as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"mount tmpfs impossible : {done.stderr.decode()}")
        pytest.skip(f"mount tmpfs impossible ici (root requis) : {done.stderr.decode()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write until the filesystem refuses: a full disk."""
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_answers_503_writes_nothing_and_recovers(small_disk, site_dir, mailbox):
    app = make_app(small_disk / "data", site_dir, mailbox)
    portal = registered(app)
    before_files, before_rows = portal.files(), portal.rows()
    token = portal.client.token(portal.page)  # the forms were open before the disk filled
    visitor = FormClient(app.test_client())
    data = identity()
    signup_token = visitor.token(SIGNUP)
    filler = fill(small_disk)

    upload = portal.upload("attestation.pdf", pdf(256 * 1024), csrf=token)
    assert upload.status_code == 503
    assert upload.headers["Retry-After"].isdigit()
    assert UNAVAILABLE in upload.get_data(as_text=True)
    if databases.ENGINE == "sqlite":  # the database is on that disk too
        signup = visitor.http.post(SIGNUP, data={"csrf_token": signup_token, **data})
        assert signup.status_code == 503
        assert UNAVAILABLE in signup.get_data(as_text=True)

    filler.unlink()  # room again: nothing was half-written, and the service is back
    assert portal.files() == before_files  # no stray file, no .part left
    assert portal.rows() == before_rows
    assert accounts_with(app, data["email"]) == 0
    assert portal.upload("attestation.pdf", pdf(256 * 1024)).status_code == 303
    assert len(portal.rows()) == len(before_rows) + 1
    assert visitor.submit(SIGNUP, data).status_code == 303
    assert accounts_with(app, data["email"]) == 1
    stop_mail(app)
