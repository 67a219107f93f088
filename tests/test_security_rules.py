"""Every rule of SECURITY.md is named here with the tests that check it, over HTTP against
the app (or against the real servers the rule is about): a rule added to SECURITY.md
without a test, or a test renamed away, fails this file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECURITY = ROOT.parent / "shared" / "design" / "SECURITY.md"

# The opening words of each rule (a bullet of SECURITY.md, or its « Headers » paragraph)
# → "file::test" that check it.
RULES = {
    "Passwords hashed with argon2id": [
        "test_accounts.py::test_password_rule_boundaries",
        "test_accounts.py::test_signup_refuses_a_weak_password_with_the_rule",
        "test_login_throttles.py::test_a_candidate_budget_is_per_account_whatever_the_identifier",
        "test_concurrency.py::test_login_throttling_is_shared_by_worker_processes",
    ],
    "Activation, reset and email-change links": [
        "test_accounts.py::test_activation_link_expires_after_48_hours",
        "test_accounts.py::test_tampered_and_cross_purpose_links_are_refused",
        "test_accounts.py::test_mail_links_use_the_configured_address_not_the_host_header",
        "test_link_invalidation.py::test_a_later_login_kills_a_pending_reset_link",
        "test_link_invalidation.py::test_a_newer_reset_link_kills_the_older_one",
    ],
    "No account enumeration": [
        "test_accounts.py::test_signup_answers_the_same_for_known_and_unknown_addresses",
        "test_accounts.py::test_reset_answers_the_same_for_known_and_unknown_identifiers",
        "test_accounts.py::test_login_failure_says_nothing_about_which_part_was_wrong",
    ],
    "New session identifier at login": [
        "test_accounts.py::test_login_rotates_the_session_and_redirects_only_locally",
        "test_accounts.py::test_password_change_needs_the_current_one_and_ends_other_sessions",
    ],
    "A candidate reaches only their own": [
        "test_registration.py::test_another_candidates_application_is_a_404",
        "test_uploads.py::test_files_are_served_to_their_owner_only_as_attachments",
    ],
    "Staff are scoped to their académie": [
        "test_office_access.py::test_refused_and_nothing_changes",
        "test_office_access.py::test_searches_counts_and_exports_of_b_find_nothing_of_a",
    ],
    "Forms bind only the fields a step declares": [
        "test_registration.py::test_fields_a_step_does_not_declare_are_ignored",
    ],
    "Every state change is a POST with a CSRF token": [
        "test_accounts.py::test_posts_without_a_csrf_token_change_nothing",
        "test_accounts.py::test_get_never_changes_state",
    ],
    "Redirect targets after login are local paths only": [
        "test_accounts.py::test_login_rotates_the_session_and_redirects_only_locally",
        "test_forms_fuzz.py::test_login_next_with_a_line_break_is_ignored",
    ],
    "Every input is validated and normalised": [
        "test_forms_fuzz.py::test_form_posts_never_fail",
        "test_input_bounds.py::test_candidate_routes_refuse_hostile_ids",
        "test_accounts.py::test_one_account_per_mailbox_whatever_the_domain_spelling",
        "test_content_encoding.py::test_check_reports_the_file_and_line_of_a_byte_that_is_not_utf8",
    ],
    "Everything shown is escaped": [
        "test_build.py::test_guide_markdown_is_sanitised",
        "test_pdf.py::test_text_is_printed_as_it_is_never_interpreted",
        "test_spreadsheet_cells.py::test_formula_starts_are_neutralised_even_full_width_or_indented",
    ],
    "Uploads: size caps per file and per request": [
        "test_uploads.py::test_hostile_files_are_refused_over_http_and_nothing_is_kept",
        "test_archives.py::test_hostile_archives_are_refused_over_http",
        "test_upload_quotas.py::test_the_file_count_quota_counts_removed_files_and_refuses_with_409",
        "test_upload_antivirus.py::test_quarantine_while_clamd_is_down_then_rescan",
    ],
    "Every acknowledged write survives a process kill": [
        "test_crash.py::test_kill_9_during_writes_loses_no_acknowledged_write",
        "test_uploads.py::test_no_orphan_file_when_the_row_cannot_be_written",
        "test_faults.py::test_a_full_disk_answers_503_writes_nothing_and_recovers",
    ],
    "Unique numbers stay unique under concurrent workers": [
        "test_concurrency.py::test_concurrent_activations_give_unique_contiguous_numbers",
        "test_registration.py::test_a_double_submit_yields_one_application",
    ],
    "Backups use SQLite's backup API": [
        "test_backup.py::test_backup_under_writes_restores_a_working_portal",
    ],
    "Session cookie HttpOnly, SameSite=Lax": [
        "test_accounts.py::test_security_headers_and_cookie",
        "test_security_headers.py::test_session_cookie_has_the_host_prefix_over_https",
        "test_production.py::test_static_and_dynamic_pages_carry_the_security_headers",
    ],
}


def rules_of_security_md() -> list[str]:
    """The bullets of SECURITY.md, and the Headers paragraph."""
    if not SECURITY.exists():  # shared/ lies beside the checkout in CI and for developers
        pytest.skip(f"{SECURITY} absent : les règles ne peuvent pas être relues")
    text = SECURITY.read_text(encoding="utf-8")
    bullets = re.findall(r"^- (.+)$", text, re.M)
    headers = text.split("## Headers", 1)[1].strip().splitlines()[0]
    return [*bullets, headers]


def functions_of(file: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_rule_of_security_md_has_tests():
    unnamed = [
        rule
        for rule in rules_of_security_md()
        if not any(rule.startswith(opening) for opening in RULES)
    ]
    assert unnamed == []


def test_the_tests_named_for_each_rule_exist():
    missing = [
        reference
        for references in RULES.values()
        for reference in references
        if reference.split("::")[1] not in functions_of(reference.split("::")[0])
    ]
    assert missing == []
