"""The back office's search at scale: words beginning a name (any case, with or without
accents), a candidate number, an address; keys kept up to date when an identity or an
address changes, filled by migration 0013 for the rows already there; every search,
list, queue, dashboard and journal read goes through an index (SQLite's plan says so);
the counts by state always equal a count of the rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from worker.store import (
    accounts,
    applications,
    audit_log,
    dashboard,
    db,
    piece_counts,
    pieces,
    queue,
    search,
    search_keys,
)

IDENTITY = {"civility": "MME", "birth_date": "2002-01-01", "birth_country": "FR"}


def enrol(database, last: str, first: str, email: str, academy: str = "rennes", usual: str = ""):
    """An active account with a CFG application (store calls, in one transaction)."""
    with db.transaction(database):
        account = accounts.create(
            database,
            email,
            "not a hash",
            {**IDENTITY, "last_name": last, "first_names": first, "usual_name": usual},
        )
        account = accounts.activate(database, account)
        draft = applications.start_draft(database, account.id, academy, "cfg", "juin-2027")
        application = applications.create(database, draft, {}, "")
    return account, application


def found(database, query: str, scope=("rennes",), **filters) -> list[str]:
    rows, total = search.search(database, scope, search.Filters(query=query, **filters))
    assert total == len(rows)
    return sorted(row.email for row in rows)


@pytest.fixture
def people(app):
    with app.app_context():
        database = db.get()
        enrol(database, "Le Goff", "Hélène Marie", "helene.legoff@example.fr")
        enrol(database, "N'Diaye-Sy", "Amadou", "amadou@example.fr")
        enrol(database, "ÉLOÏSE", "Zoé", "zoe.eloise@example.fr", usual="Dupont")
        enrol(database, "Lætitia", "Œdipe", "oedipe@example.fr")
        enrol(database, "Martin", "Léa", "lea.martin@example.fr", academy="lyon")
        yield database


def test_fold_and_words():
    assert search_keys.fold("Lætitia ÉLOÏSE Œdipe") == "laetitia eloise oedipe"
    assert search_keys.words("N'Diaye-Sy  Jean") == ["n", "diaye", "sy", "jean"]
    assert search_keys.query_words("jean-luc@Exemple.fr Le-Goff") == [
        "jean-luc@exemple.fr",
        "le",
        "goff",
    ]
    assert search_keys.bounds("dup") == ("dup", "duq")
    terms = search_keys.terms("Le Goff", "", "Hélène", "h@example.fr", "02600000001", "001")
    assert {"le", "goff", "legoff", "helene", "h@example.fr", "02600000001", "001"} == terms


@pytest.mark.parametrize(
    "query, expected",
    [
        ("le goff", ["helene.legoff@example.fr"]),
        ("LE-GOFF", ["helene.legoff@example.fr"]),
        ("legoff", ["helene.legoff@example.fr"]),
        ("gof", ["helene.legoff@example.fr"]),  # a prefix
        ("helene", ["helene.legoff@example.fr"]),  # without the accent
        ("HÉLÈNE marie", ["helene.legoff@example.fr"]),
        ("marie goff", ["helene.legoff@example.fr"]),  # words in any order
        ("marie martin", []),  # every word must match
        ("ndiaye", ["amadou@example.fr"]),
        ("diaye", ["amadou@example.fr"]),
        ("eloise", ["zoe.eloise@example.fr"]),
        ("dupont", ["zoe.eloise@example.fr"]),  # the usual name
        ("laetitia", ["oedipe@example.fr"]),
        ("Œd", ["oedipe@example.fr"]),
        ("oedipe@example.fr", ["oedipe@example.fr"]),
        ("OEDIPE@EX", ["oedipe@example.fr"]),  # an address prefix, any case
        ("ene", []),  # inside a word: not a prefix
        ("martin", []),  # Lyon's, out of scope
    ],
)
def test_search_by_words_beginning_names_numbers_addresses(people, query, expected):
    assert found(people, query) == expected


def test_search_by_candidate_and_application_number(people):
    number = people.execute(
        "SELECT candidate_number FROM accounts WHERE email_key = 'amadou@example.fr'"
    ).fetchone()[0]
    assert found(people, number) == ["amadou@example.fr"]
    assert found(people, f"{number}-001") == ["amadou@example.fr"]
    assert found(people, f"{number}-002") == []
    assert len(found(people, number[:3])) == 4  # a prefix: every Rennes candidate


def test_lists_are_in_name_order_accents_and_case_aside(people):
    rows, total = search.search(people, ("rennes", "lyon"), search.Filters(), per_page=2)
    assert total == 5
    assert [r.last_name for r in rows] == ["ÉLOÏSE", "Lætitia"]
    second, _ = search.search(people, ("rennes", "lyon"), search.Filters(), page=2, per_page=2)
    third, _ = search.search(people, ("rennes", "lyon"), search.Filters(), page=3, per_page=2)
    assert [r.last_name for r in second + third] == ["Le Goff", "Martin", "N'Diaye-Sy"]


def test_keys_follow_identity_and_address_changes(people):
    account = accounts.by_email(people, "amadou@example.fr")
    with db.transaction(people):
        accounts.update_identity(people, account.id, {"last_name": "Sørensen"})
    assert found(people, "sorensen") == ["amadou@example.fr"]
    assert found(people, "diaye") == []
    with db.transaction(people):
        account = accounts.request_email_change(people, account.id, "a.s@example.fr")
        accounts.confirm_email_change(people, account)
    assert found(people, "a.s@") == ["a.s@example.fr"]
    assert found(people, "amadou@") == []


@pytest.mark.sqlite  # SQLite's file and query planner
def test_migration_0013_fills_the_keys_of_existing_rows(people, app, tmp_path):
    """A database at version 12 (keys and counts dropped) migrates to the same keys."""
    path = app.config["DATA_DIR"] + "/portail.db"
    expected = sorted(people.execute("SELECT * FROM search_terms").fetchall())
    counts = sorted(people.execute("SELECT * FROM application_counts").fetchall())
    by_piece = sorted(people.execute("SELECT * FROM piece_counts WHERE count > 0").fetchall())
    copy = tmp_path / "old.db"
    source = sqlite3.connect(path)
    source.backup(old := sqlite3.connect(copy))
    source.close()
    old.executescript(
        "DROP TABLE search_terms; DROP TABLE application_counts;"
        " DROP INDEX applications_sorted; DROP INDEX applications_group_sorted;"
        " DROP INDEX applications_status_sorted; DROP INDEX applications_idle;"
        " DROP TABLE piece_counts; DROP INDEX pieces_pending; DROP INDEX pieces_by_state;"
        " DROP INDEX audit_scope; DROP INDEX audit_staff; DROP INDEX audit_action;"
        " DROP INDEX audit_account; DROP TABLE confirmations;"
        " ALTER TABLE applications DROP COLUMN sort_key;"
        " ALTER TABLE applications DROP COLUMN has_file;"
        " ALTER TABLE pieces DROP COLUMN group_key; ALTER TABLE pieces DROP COLUMN granted_until;"
        " ALTER TABLE publications DROP COLUMN deadline;"
        " ALTER TABLE applications DROP COLUMN results_seen_at;"
        " PRAGMA user_version = 12;"
    )
    old.close()
    assert db.migrate(copy) >= 13
    migrated = sqlite3.connect(copy)
    assert sorted(migrated.execute("SELECT * FROM search_terms").fetchall()) == expected
    assert sorted(migrated.execute("SELECT * FROM application_counts").fetchall()) == counts
    assert sorted(migrated.execute("SELECT * FROM piece_counts").fetchall()) == by_piece
    migrated.close()


def test_counts_by_state_equal_the_rows(people):
    lyon = people.execute("SELECT id FROM applications WHERE academy = 'lyon'").fetchone()[0]
    with db.transaction(people):
        applications.close(people, applications.by_id(people, lyon), applications.REJECTED)
        applications.close(people, applications.by_id(people, lyon), applications.REJECTED)
    rennes = people.execute("SELECT max(id) FROM applications WHERE academy = 'rennes'")
    with db.transaction(people):
        applications.withdraw(people, applications.by_id(people, rennes.fetchone()[0]))
    kept = people.execute(
        "SELECT academy, exam, session, status, count FROM application_counts WHERE count > 0"
        " ORDER BY 1, 2, 3, 4"
    ).fetchall()
    counted = people.execute(
        "SELECT academy, exam, session, status, count(*) FROM applications"
        " GROUP BY academy, exam, session, status ORDER BY 1, 2, 3, 4"
    ).fetchall()
    assert kept == counted
    assert ("lyon", "cfg", "juin-2027", "rejected", 1) in kept
    _, total = search.search(people, ("rennes",), search.Filters(status="registered"))
    assert total == 3


def test_piece_counts_equal_the_rows_through_every_change(people, app):
    ids = [r[0] for r in people.execute("SELECT id FROM applications ORDER BY id")]
    app.config["NOW"] = lambda: datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with db.transaction(people):
        first = pieces.ensure_row(people, ids[0], "cni")
        second = pieces.ensure_row(people, ids[1], "cni")
        pieces.ensure_row(people, ids[1], "photo")
        pieces.ensure_row(people, ids[4], "cni")  # Lyon's
        pieces.mark_validated(people, first)
        pieces.mark_validated(people, second)
    with db.transaction(people):
        pieces.set_status(people, first, "non_conforme", "Illisible", None, True)
        pieces.set_status(people, second, "conforme", "", None, False)
    app.config["NOW"] = lambda: datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    with db.transaction(people):
        pieces.mark_validated(people, first)  # a new deposit, the day after
        applications.withdraw(people, applications.by_id(people, ids[4]))
    kept = dict(
        ((g, c, s), n)
        for g, c, s, n in people.execute("SELECT * FROM piece_counts WHERE count > 0")
    )
    counted = dict(
        ((g, c, s), n)
        for g, c, s, n in people.execute(
            f"SELECT p.group_key, p.code, {piece_counts.STATE_SQL}, count(*) FROM pieces p"
            " WHERE p.group_key IS NOT NULL GROUP BY 1, 2, 3"
        )
    )
    assert (
        kept
        == counted
        == {
            ("rennes|cfg|juin-2027", "cni", "nouveau_depot"): 1,
            ("rennes|cfg|juin-2027", "cni", "conforme"): 1,
            ("rennes|cfg|juin-2027", "photo", ""): 1,
        }
    )
    session = ("rennes", "cfg", "juin-2027")
    assert queue.counts(people, ("rennes",), *session) == {
        "nouveau_depot": 1,
        "conforme": 1,
        "": 1,
    }
    assert queue.waiting(people, ("rennes",), *session) == 1
    assert queue.waiting(people, ("lyon",), *session) == 0  # out of scope
    assert queue.rank(people, ("rennes",), *session, ids[0], "cni") == 1
    assert queue.rank(people, ("rennes",), *session, ids[1], "cni") == 0  # decided


def plan(database, query: str, params) -> str:
    rows = database.execute(f"EXPLAIN QUERY PLAN {query}", params)
    return " | ".join(str(row[-1]) for row in rows)


@pytest.mark.sqlite  # SQLite's file and query planner
def test_searches_start_from_the_terms_index_not_from_every_application(people):
    for filters in (search.Filters(query="le goff"), search.Filters(query="026", exam="cfg")):
        where, params = search._where(("rennes", "lyon"), filters)
        for query in (
            f"SELECT count(*) FROM applications ap WHERE {where}",
            f"SELECT ap.id FROM applications ap WHERE {where} ORDER BY ap.sort_key LIMIT 50",
        ):
            found_plan = plan(people, query, params)
            assert "USING COVERING INDEX search_terms_scope (academy=? AND term>? AND term<?)" in (
                found_plan
            ), found_plan
            assert "SEARCH ap USING INTEGER PRIMARY KEY (rowid=?)" in found_plan, found_plan
            assert "SCAN" not in found_plan, found_plan


@pytest.mark.sqlite  # SQLite's file and query planner
def test_a_page_of_one_academy_is_read_in_name_order_from_its_index(people):
    for filters, index in (
        (search.Filters(), "applications_sorted"),
        (search.Filters(status="rejected"), "applications_status_sorted"),
        (search.Filters(exam="cfg", session="juin-2027", status="registered"), "group_sorted"),
        (search.Filters(exam="cfg", session="juin-2027", files="none"), "applications_idle"),
    ):
        where, params = search._where(("rennes",), filters)
        query = f"SELECT ap.id FROM applications ap WHERE {where} ORDER BY ap.sort_key, ap.id"
        found_plan = plan(people, f"{query} LIMIT 50", params)
        assert f"COVERING INDEX {index}" in found_plan or index in found_plan, found_plan
        assert "TEMP B-TREE" not in found_plan and "SCAN" not in found_plan, found_plan


@pytest.mark.sqlite  # SQLite's file and query planner
def test_queue_dashboard_and_journal_read_indexes(people):
    key = ["rennes|cfg|juin-2027"]
    checks = [
        (
            f"SELECT p.id FROM pieces p WHERE p.group_key = ? AND {queue.PENDING_SQL}"
            " ORDER BY p.validated_at, p.id LIMIT 50",
            key,
            "pieces_pending",
        ),
        (
            f"SELECT ap.id FROM applications ap WHERE {dashboard.IDLE}"
            " ORDER BY ap.sort_key, ap.id LIMIT 50",
            ["rennes", "cfg", "juin-2027"],
            "applications_idle",
        ),
        ("SELECT a.id FROM audit a WHERE a.academy = ? ORDER BY a.id DESC LIMIT 50", ["rennes"],
         "audit_scope"),
        ("SELECT group_key, sum(count) FROM piece_counts WHERE group_key IN (?, ?)"
         " AND state IN ('a_controler', 'nouveau_depot') GROUP BY group_key",
         [*key, "lyon|cfg|juin-2027"], "piece_counts_waiting"),
    ]  # fmt: skip
    for query, params, index in checks:
        found_plan = plan(people, query, params)
        assert f"INDEX {index}" in found_plan, found_plan
        assert "SCAN" not in found_plan and "TEMP B-TREE FOR ORDER BY" not in found_plan, found_plan
    assert audit_log.entries(people, ("rennes",), 1, audit_log.AuditFilters()) == ([], 0)
