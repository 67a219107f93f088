"""Backup while the portal writes, restore into a new folder, and a worker running on it;
archives that were altered or that would write outside their folder are refused."""

from __future__ import annotations

import gzip
import io
import json
import re
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, text
from tests.test_registration import NOW, PASSWORD
from tests.test_uploads import pdf, registered
from worker.rules import passwords
from worker.store import accounts, db

pytestmark = pytest.mark.sqlite  # the archive holds the SQLite file (PostgreSQL: pg_dump)

WRITES_BEFORE = 3  # sign-ups the writer must have committed before the backup starts
WRITES_AFTER = 3  # … and after it ended, so the backup ran while it was writing
WAIT = 60  # seconds, generous: the machine is shared
IDENTITY = {
    "civility": "M",
    "last_name": "Rafale",
    "first_names": "Jean",
    "birth_date": "2003-02-01",
    "birth_country": "FR",
    "birth_departement": "35",
    "birth_commune": "35238",
    "birth_commune_name": "Rennes",
}


class SignUps(threading.Thread):
    """Keeps creating and activating accounts on its own connection until stopped."""

    def __init__(self, database_path: Path):
        super().__init__(daemon=True)
        self.database_path = database_path
        self.done = 0
        self.progress = threading.Condition()
        self.stopped = threading.Event()
        self.failure: BaseException | None = None
        self.password_hash = passwords.hash_password(PASSWORD)

    def run(self) -> None:
        database = db.connect(self.database_path)
        try:
            while not self.stopped.is_set():
                with db.transaction(database):
                    email = f"rafale.{self.done}@example.fr"
                    account = accounts.create(database, email, self.password_hash, IDENTITY)
                    accounts.activate(database, account)
                with self.progress:
                    self.done += 1
                    self.progress.notify_all()
        except BaseException as exc:  # reported by the test, never swallowed
            self.failure = exc
        finally:
            database.conn.close()

    def wait_for(self, count: int) -> int:
        with self.progress:
            reached = self.progress.wait_for(
                lambda: self.done >= count or self.failure, timeout=WAIT
            )
        assert reached and self.failure is None, f"writer stuck at {self.done}: {self.failure}"
        return self.done


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def count_accounts(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM accounts").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def portal(app):
    """A candidate with a saved CFG application and one uploaded supporting document."""
    portal = registered(app)
    portal.upload("passeport.pdf", UPLOADED)
    return portal


UPLOADED = pdf(20_000)
SECRET_FILE = "clé créée au premier démarrage"
LATEST = max(int(path.name.split("_")[0]) for path in db.MIGRATIONS.glob("*.sql"))


def test_backup_under_writes_restores_a_working_portal(portal, tmp_path, site_dir, mailbox):
    app = portal.app
    with app.app_context():
        email = db.get().execute("SELECT email FROM accounts").fetchone()[0]
    assert len(portal.files()) == 1

    writer = SignUps(db.database_path(app))
    writer.start()
    try:
        before = writer.wait_for(WRITES_BEFORE)
        made = cli(app, "backup", "create", "--to", str(tmp_path / "sauvegardes"))
        ended = writer.done
        writer.wait_for(ended + WRITES_AFTER)
    finally:
        writer.stopped.set()
        writer.join(WAIT)
    assert made.exit_code == 0, made.output
    archive = Path(made.output.strip())
    assert archive.parent == tmp_path / "sauvegardes" and archive.name.endswith(".tar.gz")
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # no temporary left

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-1] == "manifest.json" and "portail.db" in names
    assert {n.split("/")[0] for n in names} == {
        "portail.db",
        "verify_key",  # the documents' verification key the portal created
        "documents",
        "uploads",
        "manifest.json",
    }
    assert manifest["schema_version"] == LATEST
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["sha256"]) for e in manifest["files"].values())
    stored = portal.files()[0].relative_to(portal.data_dir).as_posix()
    assert manifest["files"][stored]["size"] == len(UPLOADED)

    restored = tmp_path / "restauration"
    answer = cli(app, "backup", "restore", str(archive), "--data-dir", str(restored))
    assert answer.exit_code == 0, answer.output
    assert f"restauré(s) dans {restored}" in answer.output and f"(schéma {LATEST})" in answer.output
    copied = count_accounts(restored / "portail.db")
    # One consistent snapshot: the candidate plus the sign-ups committed at that moment.
    assert 1 + before <= copied <= 1 + ended
    with sqlite3.connect(restored / "portail.db") as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stop_mail(app)

    revived = make_app(restored, site_dir, mailbox)
    revived.config["NOW"] = lambda: NOW
    try:
        client = FormClient(revived.test_client())
        login = client.submit("/espace-candidat/connexion", {"login": email, "password": PASSWORD})
        assert login.status_code == 303
        pieces = client.get(portal.page)
        assert "passeport.pdf" in text(pieces)
        link = re.search(rf'href="({re.escape(portal.page)}/fichiers/\d+)"', pieces.text).group(1)
        assert client.get(link).get_data() == UPLOADED

        saved = client.get(f"/espace-candidat/inscriptions/{portal.number}/enregistree")
        document = re.search(
            r'href="(/espace-candidat/inscriptions/\d+/documents/\d+)"', saved.text
        )
        download = client.get(document.group(1))
        assert download.headers["Content-Type"] == "application/pdf"
        content = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
        assert "CONFIRMATION D'INSCRIPTION" in content
    finally:
        stop_mail(revived)


# -- refused archives -----------------------------------------------------------------------


@pytest.fixture
def archive(app, tmp_path) -> Path:
    """A backup of a portal with one account and one uploaded file."""
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            accounts.create(database, "a@example.fr", "haché", IDENTITY)
    data_dir = Path(app.config["DATA_DIR"])
    uploads = data_dir / "uploads" / "ab"
    uploads.mkdir(parents=True)
    (uploads / ("ab" + "0" * 30)).write_bytes(UPLOADED)
    (uploads / ".ab1.part").write_bytes(b"an upload in progress")  # never kept
    (data_dir / "secret_key").write_text(SECRET_FILE, encoding="utf-8")
    made = cli(app, "backup", "create", "--to", str(tmp_path / "sauvegardes"))
    assert made.exit_code == 0, made.output
    return Path(made.output.strip())


def test_restore_gives_back_every_file_with_private_modes(app, archive, tmp_path):
    target = tmp_path / "neuf" / "data"
    answer = cli(app, "backup", "restore", str(archive), "--data-dir", str(target))
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("4 fichier(s) restauré(s)")  # with verify_key
    stored = target / "uploads" / "ab" / ("ab" + "0" * 30)
    assert stored.read_bytes() == UPLOADED
    assert not (target / "uploads" / "ab" / ".ab1.part").exists()
    assert (target / "secret_key").read_text(encoding="utf-8") == SECRET_FILE
    assert (target / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (target / "verify_key").stat().st_mode & 0o777 == 0o600
    assert target.stat().st_mode & 0o777 == 0o700
    assert count_accounts(target / "portail.db") == 1
    assert [p.name for p in target.parent.iterdir()] == ["data"]  # no temporary folder left


def refused(app, archive: Path, target: Path) -> str:
    """Restore must fail, leaving neither the target nor a temporary folder beside it."""
    before = sorted(target.parent.iterdir()) if target.parent.exists() else []
    answer = cli(app, "backup", "restore", str(archive), "--data-dir", str(target))
    assert answer.exit_code == 1, answer.output
    if not target.exists():
        assert sorted(target.parent.iterdir()) == before
    return answer.output


def test_one_byte_changed_in_the_archive_is_refused(app, archive, tmp_path):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "abimee.tar.gz"
    damaged.write_bytes(bytes(data))
    message = refused(app, damaged, tmp_path / "cible" / "data")
    assert "altérée" in message


def test_one_byte_changed_in_a_file_is_refused_by_its_checksum(app, archive, tmp_path):
    raw = bytearray(gzip.decompress(archive.read_bytes()))
    at = raw.find(UPLOADED)
    assert at > 0
    raw[at + 100] ^= 0x01  # inside the file: the tar structure stays valid
    damaged = tmp_path / "abimee.tar"
    damaged.write_bytes(bytes(raw))
    message = refused(app, damaged, tmp_path / "cible" / "data")
    assert "somme de contrôle différente pour « uploads/ab/ab" in message


def test_a_non_empty_target_is_refused(app, archive, tmp_path):
    target = tmp_path / "occupe"
    target.mkdir()
    (target / "portail.db").write_bytes(b"la base en service")
    message = refused(app, archive, target)
    assert "n'est pas vide" in message
    assert (target / "portail.db").read_bytes() == b"la base en service"


def hostile(tmp_path: Path, name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> Path:
    """The good archive's members plus one crafted member."""
    path = tmp_path / "hostile.tar"
    with tarfile.open(path, "w") as tar:
        member = tarfile.TarInfo(name)
        member.type, member.linkname = kind, link
        body = b"" if kind != tarfile.REGTYPE else b"intrus"
        member.size = len(body)
        tar.addfile(member, io.BytesIO(body))
    return path


@pytest.mark.parametrize(
    ("name", "kind", "link", "said"),
    [
        ("/tmp/portail-intrus", tarfile.REGTYPE, "", "chemin absolu"),
        ("uploads/../../intrus", tarfile.REGTYPE, "", "hors du dossier"),
        ("uploads/lien", tarfile.SYMTYPE, "/etc/passwd", "est un lien"),
        ("uploads/dur", tarfile.LNKTYPE, "portail.db", "est un lien"),
        ("ailleurs.txt", tarfile.REGTYPE, "", "n'appartient pas à une sauvegarde"),
    ],
)
def test_members_outside_the_folder_or_links_are_refused(app, tmp_path, name, kind, link, said):
    target = tmp_path / "cible" / "data"
    message = refused(app, hostile(tmp_path, name, kind, link), target)
    assert said in message
    assert not target.exists() and not Path("/tmp/portail-intrus").exists()
    assert not (tmp_path / "intrus").exists()


def test_a_folder_that_cannot_be_made_is_one_line_not_a_traceback(app, archive, tmp_path):
    not_a_folder = tmp_path / "un-fichier"
    not_a_folder.write_bytes(b"")
    made = cli(app, "backup", "create", "--to", str(not_a_folder / "sauvegardes"))
    assert made.exit_code == 1 and isinstance(made.exception, SystemExit)
    assert made.output.startswith("Error: sauvegarde impossible (")
    assert str(not_a_folder) in made.output
    put = cli(app, "backup", "restore", str(archive), "--data-dir", str(not_a_folder / "data"))
    assert put.exit_code == 1 and isinstance(put.exception, SystemExit)
    assert put.output.startswith("Error: restauration impossible (")
