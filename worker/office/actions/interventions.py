"""What an exam office does on one application (found in the member's scope beforehand):
publish a document, publish results, send a message, correct the identity, withdraw or
reject. Each runs in one transaction, audited with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from catalog import Catalog
from worker import mail
from worker.documents import issuing
from worker.files import checks as uploads
from worker.office.actions.outcomes import Done, Invalid, Refused
from worker.rules import marks as marking
from worker.rules.office_documents import KINDS
from worker.store import accounts, applications, db, results
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.staff import Staff


def mail_context(catalog: Catalog, application: Application) -> dict:
    """Exam, session and académie of an application, for mails (and the pages about them)."""
    exam = catalog.exams.get(application.exam)
    return {
        "exam": exam,
        "session": exam.session(application.session) if exam else None,
        "academy": catalog.academies.get(application.academy),
    }


# -- documents -----------------------------------------------------------------------------


def _checked_pdf(upload: BinaryIO | None, file_name: str, limit: int) -> tuple[str, bytes]:
    """(name, content) of an uploaded PDF; uploads.Refused otherwise."""
    if upload is None or not file_name:
        raise uploads.Refused("Choisissez le fichier PDF à publier.")
    checked = uploads.check(upload, file_name, limit)
    if checked.kind != "pdf":
        raise uploads.Refused(
            f"Le fichier « {checked.name} » n'est pas un PDF : seuls les PDF sont publiés."
        )
    upload.seek(0)
    return checked.name, upload.read()


def upload_document(
    database: Database,
    data_dir: str,
    member: Staff,
    application: Application,
    kind: str,
    upload: BinaryIO | None,
    file_name: str,
    limit: int,
) -> Done | Refused:
    """A PDF (convocation, relevé de notes, notification) as a new version of its kind."""
    if kind not in KINDS:
        return Refused("Choisissez le type de document à publier.")
    try:
        name, content = _checked_pdf(upload, file_name, limit)
    except uploads.Refused as refusal:
        return Refused(str(refusal))
    title = KINDS[kind]
    with db.transaction(database):
        document = issuing.publish_document(
            database, data_dir, application.id, kind, content, title
        )
        audit(
            database,
            member,
            "document.upload",
            academy=application.academy,
            application_id=application.id,
            account_id=application.account_id,
            before={"kind": kind, "version": document.version - 1 or None},
            after={"kind": kind, "title": title, "version": document.version, "file": name},
        )
    return Done(
        f"« {title} » publié (version {document.version}) : le candidat le voit dans "
        "« Mes documents »."
    )


# -- results -------------------------------------------------------------------------------


def _parsed_marks(
    lines: list[marking.ResultLine], typed: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """(test code → mark to store, problems as (test code, message)) of the marks typed
    for these lines; a test with no value sent stays as it is."""
    marks, problems = {}, []
    for line in lines:
        value = typed.get(line.code)
        if value is None:
            continue
        value = value.strip()[:20]
        try:
            marks[line.code] = marking.normalize_mark(value) if value else ""
        except ValueError as error:
            problems.append((line.code, f"{line.code} : {error}"))
    return marks, problems


def publish_results(
    database: Database,
    member: Staff,
    catalog: Catalog,
    application: Application,
    typed: dict[str, str],
) -> Done | Invalid:
    """The marks typed (test code → text), published to « Mes notes » at once; none when
    one is wrong (Invalid's fields: the test codes of the wrong ones)."""
    current = results.results_of(database, application.id)
    lines = marking.result_lines(catalog, application, current)
    marks, problems = _parsed_marks(lines, typed)
    if problems:
        return Invalid(
            (
                *(message for _, message in problems),
                "Aucune note n'a été enregistrée : corrigez les notes signalées.",
            ),
            fields=tuple(code for code, _ in problems),
        )
    with db.transaction(database):
        before = results.save_results(database, application.id, marks)
        after = results.results_of(database, application.id)
        if before != after:
            audit(
                database,
                member,
                "results.publish",
                academy=application.academy,
                application_id=application.id,
                account_id=application.account_id,
                before=before,
                after=after,
            )
    if before == after:
        return Done("Aucune note n'a changé.")
    return Done("Notes publiées : le candidat les voit dans « Mes notes ».")


# -- messages ------------------------------------------------------------------------------


def send(
    database: Database,
    member: Staff,
    catalog: Catalog,
    application: Application,
    account: Account,
    subject: str,
    text: str,
) -> None:
    """Recorded in the candidate's « Consulter mes messages », mailed and audited (inside
    the caller's transaction)."""
    mail.queue(
        database,
        "message_gestionnaire",
        account.email,
        account.id,
        account=account,
        application=application,
        subject=" ".join(subject.split()),
        message=text,
        **mail_context(catalog, application),
    )
    audit(
        database,
        member,
        "message.send",
        academy=application.academy,
        application_id=application.id,
        account_id=account.id,
        after={"subject": subject, "message": text},
    )


def send_message(
    database: Database,
    member: Staff,
    catalog: Catalog,
    application: Application,
    subject: str,
    text: str,
) -> Done:
    """A message to the application's candidate."""
    account = accounts.by_id(database, application.account_id)
    with db.transaction(database):
        send(database, member, catalog, application, account, subject, text)
    return Done(
        f"Message envoyé à {account.display_name} : il le lit dans « Consulter mes messages »."
    )


# -- on the candidate's behalf -------------------------------------------------------------


def correct_identity(
    database: Database, member: Staff, application: Application, wanted: dict[str, str]
) -> Done:
    """The civil status the candidate can no longer edit, as the office corrects it."""
    with db.transaction(database):
        accounts.lock(database, application.account_id)
        account = accounts.by_id(database, application.account_id)
        current = {name: getattr(account, name) for name in accounts.IDENTITY_FIELDS}
        changed = [name for name in accounts.IDENTITY_FIELDS if current[name] != wanted[name]]
        if changed:
            accounts.update_identity(database, account.id, wanted)
            audit(
                database,
                member,
                "account.identity",
                academy=application.academy,
                application_id=application.id,
                account_id=account.id,
                before={name: current[name] for name in changed},
                after={name: wanted[name] for name in changed},
            )
    if changed:
        return Done("Informations personnelles corrigées.")
    return Done("Aucune information n'a changé.")


@dataclass(frozen=True)
class Closing:
    action: str  # in the audit log
    template: str  # of the mail to the candidate
    done: str


CLOSINGS = {
    applications.OFFICE_WITHDRAWN: Closing(
        "application.withdraw",
        "desinscription_gestionnaire",
        "Le candidat est désinscrit (désinscrit par le gestionnaire). Un courriel le lui dit.",
    ),
    applications.REJECTED: Closing(
        "application.reject",
        "candidature_ecartee",
        "La candidature est écartée. Un courriel le dit au candidat.",
    ),
}


@dataclass(frozen=True)
class AlreadyClosed:
    """Closed meanwhile (another tab): nothing to do, nothing to say."""


def closed_problem(application: Application) -> str | None:
    """Why the application cannot be withdrawn or rejected, if it cannot."""
    if application.status == applications.REGISTERED:
        return None
    label = applications.STATUS_LABELS.get(application.status)
    return f"Cette candidature est déjà close ({label})."


def close(
    database: Database,
    member: Staff,
    catalog: Catalog,
    application: Application,
    status: str,
    reason: str,
) -> Done | AlreadyClosed:
    """Withdrawn (« Désinscrit par le gestionnaire ») or rejected (« Écartée »): the
    application leaves the candidate's list and a mail tells them why."""
    closing = CLOSINGS[status]
    account = accounts.by_id(database, application.account_id)
    with db.transaction(database):
        applications.lock(database, application.id)
        current = applications.by_id(database, application.id)
        if current.status != applications.REGISTERED:
            return AlreadyClosed()
        closed = applications.close(database, current, status)
        audit(
            database,
            member,
            closing.action,
            academy=application.academy,
            application_id=application.id,
            account_id=account.id,
            before={"status": current.status},
            after={"status": closed.status, "reason": reason},
        )
        mail.queue(
            database,
            closing.template,
            account.email,
            account.id,
            account=account,
            application=closed,
            reason=reason,
            **mail_context(catalog, application),
        )
    return Done(closing.done)
