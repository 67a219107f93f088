"""``build.py --check``: a small valid content set, broken one thing at a time.

Each test copies tests/fixtures/content/ to a temporary folder named ``content``, breaks
one thing, runs the check and expects exit code 1 plus a line
``content/<file>:<line>: <message>``. Expected line numbers are computed from the text
the test writes, never hard-coded.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import build  # noqa: E402

CSV_COLUMNS = ("academie", "examen", "session", "specialite", "ouverture", "fermeture",
               "retour_confirmation", "depot_debut", "depot_fin")  # fmt: skip
REQUIRED_COLUMNS = ("academie", "examen", "session", "ouverture", "fermeture")
# Front-matter problems of guides (mode, section, folder…) have no finer position.
FRONT_MATTER_LINE = 1


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the fixture, in a folder named ``content`` like the real one."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def run_check(folder: Path, capsys) -> tuple[int, list[str]]:
    # Against a site of its own: a site/ built at the root (`make run`) is not this one.
    code = build.main(["--check", "--content", str(folder), "--out", str(folder.parent / "site")])
    return code, capsys.readouterr().out.splitlines()


def problem_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("content/")]


def assert_reported(folder: Path, capsys, file: str, line: int, fragment: str) -> str:
    """Run the check; exit code 1 and a line ``content/<file>:<line>: …fragment…``."""
    code, lines = run_check(folder, capsys)
    prefix = f"content/{file}:{line}: "
    found = [entry for entry in lines if entry.startswith(prefix) and fragment in entry]
    assert found, f"no « {prefix}…{fragment}… » in:\n" + "\n".join(lines)
    assert code == 1
    return found[0]


def assert_clean(folder: Path, capsys) -> None:
    code, lines = run_check(folder, capsys)
    assert code == 0, "\n".join(lines)
    assert not problem_lines(lines)
    assert "aucun problème" in "\n".join(lines)


def append(path: Path, text: str) -> int:
    """Append ``text`` (one or more lines); return the line number of its first line."""
    existing = path.read_text(encoding="utf-8")
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text.rstrip("\n") + "\n", encoding="utf-8")
    return existing.count("\n") + 1


def replace(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of ``old``; return the line where it started."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"« {old} » must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def line_of(path: Path, fragment: str) -> int:
    """Line number of the first line containing ``fragment``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return number
    raise AssertionError(f"« {fragment} » not in {path.name}")


def period(**values: str) -> str:
    """One periods.csv row; defaults to a valid period that overlaps nothing in the fixture."""
    row = {"academie": "rennes", "examen": "bts", "session": "2027",
           "ouverture": "01/03/2027 09:00", "fermeture": "31/03/2027 17:00", **values}  # fmt: skip
    return ";".join(row.get(column, "") for column in CSV_COLUMNS)


def drop_csv_column(path: Path, column: str) -> None:
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    index = rows[0].index(column)
    path.write_text("".join(";".join(r[:index] + r[index + 1:]) + "\n" for r in rows),
                    encoding="utf-8")  # fmt: skip


def link_line(target: str) -> str:
    return f"Voir aussi [ce lien]({target})."


# -- content that must pass ---------------------------------------------------------------------


def test_fixture_passes(content, capsys):
    assert_clean(content, capsys)


def test_shipped_content_passes(capsys):
    code, lines = run_check(ROOT / "content", capsys)
    assert code == 0, "\n".join(lines)
    assert "aucun problème" in "\n".join(lines)


def test_appended_default_period_is_valid(content, capsys):
    """The row helper makes valid rows: the failures below come from the one broken value."""
    append(content / "periods.csv", period())
    assert_clean(content, capsys)


# -- periods.csv ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"academie": "lyon"}, "académie « lyon » inconnue"),
        ({"examen": "bac"}, "examen « bac » inconnu"),
        ({"session": "2030"}, "session « 2030 » inconnue pour l'examen BTS"),
        ({"specialite": "xyz"}, "spécialité « xyz » inconnue pour l'examen BTS"),
        (
            {"examen": "cc1d", "specialite": "sio"},  # a speciality of another exam
            "spécialité « sio » inconnue pour l'examen Certification complémentaire 1er degré",
        ),
    ],
    ids=["academie", "examen", "session", "specialite", "specialite-d-un-autre-examen"],
)
def test_period_unknown_code(content, capsys, values, fragment):
    line = append(content / "periods.csv", period(**values))
    assert_reported(content, capsys, "periods.csv", line, fragment)


@pytest.mark.parametrize(
    "values, fragment",
    [
        (
            {"ouverture": "10/03/2027 09:00", "fermeture": "09/03/2027 17:00"},
            "la fermeture doit être postérieure à l'ouverture",
        ),
        (
            {"ouverture": "10/03/2027 09:00", "fermeture": "10/03/2027 09:00"},
            "la fermeture doit être postérieure à l'ouverture",
        ),
        (
            {"depot_debut": "10/03/2027 09:00", "depot_fin": "01/03/2027 09:00"},
            "la fin du dépôt des justificatifs doit être postérieure à son début",
        ),
    ],
    ids=["fermeture-avant-ouverture", "fermeture-egale-ouverture", "depot-fin-avant-debut"],
)
def test_period_dates_out_of_order(content, capsys, values, fragment):
    line = append(content / "periods.csv", period(**values))
    assert_reported(content, capsys, "periods.csv", line, fragment)


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("ouverture", "31/02/2027 08:00", "impossible"),
        ("fermeture", "2027-13-01", "impossible"),
        ("depot_fin", "demain", "illisible"),
        ("retour_confirmation", "1/4/2027", "illisible"),
    ],
)
def test_period_malformed_date(content, capsys, column, value, fragment):
    line = append(content / "periods.csv", period(**{column: value}))
    assert_reported(content, capsys, "periods.csv", line, f"{column} : date « {value} » {fragment}")


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_period_missing_required_column(content, capsys, column):
    drop_csv_column(content / "periods.csv", column)
    assert_reported(content, capsys, "periods.csv", 1, f"colonnes manquantes : {column}")


@pytest.mark.parametrize(
    "examen, session, specialite",
    [
        ("bts", "2028", ""),
        ("cc1d", "2027", "fle"),
    ],
)
def test_overlapping_periods(content, capsys, examen, session, specialite):
    csv_file = content / "periods.csv"
    same = {"academie": "grenoble", "examen": examen, "session": session,
            "specialite": specialite}  # fmt: skip
    first = append(csv_file, period(**same, ouverture="01/09/2027 10:00", fermeture="30/09/2027"))
    second = append(csv_file, period(**same, ouverture="15/09/2027 10:00", fermeture="15/10/2027"))
    assert_reported(
        content, capsys, "periods.csv", second, f"période qui chevauche celle de la ligne {first}"
    )


@pytest.mark.parametrize(
    "first, second",
    [
        (
            {"specialite": "fle", "fermeture": "30/09/2027"},
            {"specialite": "arts-cinema", "ouverture": "15/09/2027 10:00"},
        ),
        (
            {"specialite": "fle", "fermeture": "30/09/2027 17:00"},
            {"specialite": "fle", "ouverture": "30/09/2027 17:00"},
        ),
    ],
    ids=["specialites-differentes", "periodes-bout-a-bout"],
)
def test_periods_that_do_not_overlap(content, capsys, first, second):
    csv_file = content / "periods.csv"
    group = {"academie": "grenoble", "examen": "cc1d", "session": "2027"}
    append(csv_file, period(**group, **{"ouverture": "01/09/2027 10:00", **first}))
    append(csv_file, period(**group, **{"fermeture": "15/10/2027 17:00", **second}))
    assert_clean(content, capsys)


def test_period_overlapping_a_non_adjacent_one(content, capsys):
    csv_file = content / "periods.csv"
    group = {"academie": "grenoble", "examen": "cc1d", "session": "2027", "specialite": "fle"}
    a = append(csv_file, period(**group, ouverture="01/10/2027 10:00", fermeture="30/11/2027"))
    append(csv_file, period(**group, ouverture="02/10/2027 10:00", fermeture="03/10/2027"))
    c = append(csv_file, period(**group, ouverture="05/10/2027 10:00", fermeture="06/10/2027"))
    assert_reported(content, capsys, "periods.csv", c, f"chevauche celle de la ligne {a}")


# -- guides: variables, callouts, overrides -------------------------------------------------


@pytest.mark.parametrize(
    "file, after, variable, lacking",
    [
        ("guides/bts.md", "consultez régulièrement", "variable_inconnue", "grenoble, rennes, siec"),
        ("guides/bts.md", "au {{ telephone }}", "circulaire_amenagements", "siec"),
        # faq_url is defined by Grenoble only, not by Rennes whose override uses it
        ("guides/rennes/bts.md", "avant la fermeture des inscriptions", "faq_url", "rennes"),
    ],
    ids=["inconnue-partout", "absente-d-une-academie", "surcharge-variable-d-une-autre"],
)
def test_guide_undefined_variable(content, capsys, file, after, variable, lacking):
    line = replace(content / file, after, f"{after} ({{{{ {variable} }}}})")
    message = f"variable {{{{ {variable} }}}} non définie pour : {lacking}"
    reported = assert_reported(content, capsys, file, line, message)
    assert reported.endswith(message)  # exactly the académies lacking it


def test_page_with_variable(content, capsys):
    line = append(content / "pages/mentions-legales.md", "Écrivez à {{ courriel }}.")
    assert_reported(content, capsys, "pages/mentions-legales.md", line, "courriel")


@pytest.mark.parametrize(
    "file",
    [
        "guides/bts.md",
        "guides/rennes/bts.md",
        "pages/mentions-legales.md",
    ],
)
def test_unknown_callout_kind(content, capsys, file):
    line = append(content / file, '!!! danger "Danger"\n    Ne faites pas cela.')
    assert_reported(content, capsys, file, line, "encadré « danger » inconnu")


@pytest.mark.parametrize(
    "copy_to, fragment",
    [
        ("guides/lyon/bts.md", "dossier « lyon » : académie inconnue"),
        ("guides/rennes/cap.md", "aucun guide partagé « cap.md » à compléter"),
    ],
    ids=["academie-inconnue", "guide-partage-inconnu"],
)
def test_override_without_target(content, capsys, copy_to, fragment):
    target = content / copy_to
    target.parent.mkdir(exist_ok=True)
    shutil.copy(content / "guides/rennes/bts.md", target)
    assert_reported(content, capsys, copy_to, FRONT_MATTER_LINE, fragment)


def test_override_unknown_section(content, capsys):
    replace(
        content / "guides/rennes/bts.md",
        'section = "j-ai-besoin-d-aide"',
        'section = "section-inexistante"',
    )
    assert_reported(
        content,
        capsys,
        "guides/rennes/bts.md",
        FRONT_MATTER_LINE,
        "section « section-inexistante » absente du guide bts.md",
    )


# -- broken links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, target, fragment",
    [
        ("guides/bts.md", "/page-inexistante/", "aucune page du site à cette adresse"),
        ("guides/bts.md", "#ancre-absente", "ancre « #ancre-absente » introuvable dans la page"),
        ("guides/bts.md", "guide:inconnu", "aucun guide « inconnu »"),
        (
            "guides/bts.md",
            "guide:bts#ancre-absente",
            "ancre « #ancre-absente » introuvable dans le guide bts",
        ),
        ("guides/bts.md", "page-relative/", "utilisez un chemin du site commençant par /"),
        ("guides/rennes/bts.md", "/page-inexistante/", "aucune page du site à cette adresse"),
        ("guides/rennes/bts.md", "#ancre-absente", "ancre « #ancre-absente » introuvable"),
        ("guides/rennes/bts.md", "guide:bts#ancre-absente", "introuvable dans le guide bts"),
        ("pages/mentions-legales.md", "/page-inexistante/", "aucune page du site à cette adresse"),
        ("pages/mentions-legales.md", "#ancre-absente", "ancre « #ancre-absente » introuvable"),
        ("pages/mentions-legales.md", "guide:inconnu", "aucun guide « inconnu »"),
        ("pages/mentions-legales.md", "guide:bts#ancre-absente", "guide:bts"),
        ("pages/mentions-legales.md", "guide:bts", "liens guide: ne sont possibles que dans"),
    ],
)
def test_broken_link(content, capsys, file, target, fragment):
    line = append(content / file, link_line(target))
    assert_reported(content, capsys, file, line, fragment)


@pytest.mark.parametrize(
    "target",
    [
        "/ouverture-des-services/examen/bts/2027/rennes/",
        "/academies/siec/guides/bts/",
        "#mot-de-passe",
        "guide:bts#j-ai-besoin-d-aide",
        "/espace-candidat/connexion",
        "https://www.education.gouv.fr/",
        "{{ circulaire_amenagements }}",
    ],
)
def test_valid_links_in_override(content, capsys, target):
    append(content / "guides/rennes/bts.md", link_line(target))
    assert_clean(content, capsys)


# -- TOML files ---------------------------------------------------------------------------------


def test_exam_code_differs_from_file_name(content, capsys):
    shutil.copy(content / "exams/bts.toml", content / "exams/bts-bis.toml")
    line = line_of(content / "exams/bts-bis.toml", 'code = "bts"')
    assert_reported(
        content,
        capsys,
        "exams/bts-bis.toml",
        line,
        "le code « bts » doit être le nom du fichier (« bts-bis »)",
    )


def test_exam_unknown_domain(content, capsys):
    line = replace(
        content / "exams/cc1d.toml", 'domain = "autres-certifications"', 'domain = "inexistant"'
    )
    assert_reported(content, capsys, "exams/cc1d.toml", line, "domaine « inexistant » inconnu")


def test_speciality_without_tests_where_the_wizard_asks_them(content, capsys):
    """A speciality without épreuves would register candidates to nothing."""
    exam = content / "exams/bts.toml"
    replace(exam, 'model = "bts"', 'model = "bts"\nsteps = ["identification", "epreuves"]')
    append(exam, '[[specialities.tests]]\ncode = "E1"\nname = "Culture générale"')  # mco's
    line = line_of(exam, 'code = "sio"') - 1
    assert_reported(content, capsys, "exams/bts.toml", line, "spécialité « sio » sans épreuve")
    _, lines = run_check(content, capsys)
    assert not [entry for entry in lines if "« mco » sans épreuve" in entry]


@pytest.mark.parametrize(
    "differ_from",
    ["E9", "E2", "E1"],  # unknown; a test without options; itself
)
def test_options_differ_from_names_another_test_with_options(content, capsys, differ_from):
    exam = content / "exams/bts.toml"
    tests = (
        '[[specialities.tests]]\ncode = "E1"\nname = "LV A"\noptions = ["ANGLAIS", "ESPAGNOL"]\n'
        f'options_differ_from = "{differ_from}"\n\n'
        '[[specialities.tests]]\ncode = "E2"\nname = "Mathématiques"'
    )
    start = append(exam, tests)
    assert_reported(
        content, capsys, "exams/bts.toml", start + 4, "options_differ_from doit nommer une autre"
    )


def write_wizard(content: Path, field_type: str, autocomplete: str) -> Path:
    """A wizard.toml of one step and one field declaring ``autocomplete``."""
    wizard = content / "wizard.toml"
    wizard.write_text(
        '[[step]]\ncode = "identification"\ntitle = "Identification"\n\n'
        '[[step.field]]\nname = "adresse_ligne1"\nlabel = "Numéro, rue, voie"\n'
        f'type = "{field_type}"\nautocomplete = "{autocomplete}"\n',
        encoding="utf-8",
    )
    return wizard


@pytest.mark.parametrize(
    "autocomplete",
    ["address-line1", "postal-code", "country", "mobile tel", "section-eleve billing email", "off"],
)
def test_wizard_autocomplete_tokens_of_the_html_standard_pass(content, capsys, autocomplete):
    write_wizard(content, "text", autocomplete)
    assert_clean(content, capsys)


@pytest.mark.parametrize(
    "field_type, autocomplete, fragment",
    [
        ("text", "adress-line1", "« adress-line1 » inconnu de la norme HTML"),
        ("text", "adresse", "« adresse » inconnu de la norme HTML"),
        ("text", "mobile postal-code", "« mobile postal-code » inconnu"),  # not a contact field
        ("text", "tel mobile", "« tel mobile » inconnu"),  # the contact type comes first
        ("text", "on email", "« on email » inconnu"),  # on and off stand alone
        ("yesno", "email", "autocomplete ne s'applique pas à un champ de type yesno"),
    ],
)
def test_wizard_autocomplete_outside_the_html_standard(
    content, capsys, field_type, autocomplete, fragment
):
    """WCAG 1.3.5: a purpose the browser cannot read is an error naming the field."""
    wizard = write_wizard(content, field_type, autocomplete)
    line = line_of(wizard, "autocomplete =")
    found = assert_reported(content, capsys, "wizard.toml", line, fragment)
    assert "champ « adresse_ligne1 » : " in found


def test_a_mistyped_autocomplete_token_gets_the_closest_one(content, capsys):
    wizard = write_wizard(content, "text", "adress-line1")
    found = assert_reported(content, capsys, "wizard.toml", line_of(wizard, "autocomplete ="), "")
    assert found.endswith("vouliez-vous dire « address-line1 » ?")


@pytest.mark.parametrize("email", ["dec.ac-grenoble.fr", "dec@ac-grenoble", "dec @ac-grenoble.fr"])
def test_academy_invalid_email(content, capsys, email):
    line = replace(content / "academies/grenoble.toml", '"dec@ac-grenoble.fr"', f'"{email}"')
    assert_reported(
        content,
        capsys,
        "academies/grenoble.toml",
        line,
        f"adresse électronique « {email} » invalide",
    )


def test_academy_unknown_member(content, capsys):
    line = replace(content / "academies/siec.toml", '"grenoble"]', '"grenoble", "paris"]')
    assert_reported(
        content, capsys, "academies/siec.toml", line, "académie membre « paris » inconnue"
    )


@pytest.mark.parametrize(
    "file, old, new, fragment",
    [
        ("exams/cc1d.toml", 'model = "g02"', 'model "g02"', "TOML invalide"),
        ("academies/siec.toml", 'kind = "siec"', "kind = siec", "TOML invalide"),
        ("messages.toml", 'level = "warning"', 'level = "warning', "TOML invalide"),
        ("domains.toml", 'code = "concours"', "[[domain]", "TOML invalide"),
        pytest.param(
            "guides/bts.md",
            'version = "1.0"',
            'version "1.0"',
            "en-tête invalide",
        ),
    ],
    ids=["exam", "academie", "messages", "domains", "front-matter-de-guide"],
)
def test_invalid_toml(content, capsys, file, old, new, fragment):
    line = replace(content / file, old, new)
    assert_reported(content, capsys, file, line, fragment)


@pytest.mark.parametrize(
    "show_until", ["19/11/2026 23:59", "20/11/2026 00:00"], ids=["avant", "egal"]
)
def test_message_show_until_not_after_show_from(content, capsys, show_until):
    line = replace(
        content / "messages.toml", 'show_until = "12/12/2026 09:00"', f'show_until = "{show_until}"'
    )
    assert_reported(content, capsys, "messages.toml", line, "show_until doit suivre show_from")


# -- several problems at once ---------------------------------------------------------------


def test_every_problem_reported_sorted_by_file_then_line(content, capsys):
    """Found in the order periods → exams → links; printed sorted by file, then line."""
    late_link = append(content / "guides/bts.md", link_line("/page-inexistante/"))
    early_link = replace(
        content / "guides/bts.md",
        "[Contacter le service](#contacter-le-service)",
        "[Contacter le service](#ancre-absente)",
    )
    bad_date = replace(content / "periods.csv", "11/10/2027 14:00;20/11/2027", "demain;20/11/2027")
    bad_domain = replace(
        content / "exams/cc1d.toml", 'domain = "autres-certifications"', 'domain = "inexistant"'
    )
    code, lines = run_check(content, capsys)
    assert code == 1
    expected = [
        f"content/exams/cc1d.toml:{bad_domain}: domaine « inexistant »",
        f"content/guides/bts.md:{early_link}: ancre « #ancre-absente »",
        f"content/guides/bts.md:{late_link}: lien « /page-inexistante/ »",
        f"content/periods.csv:{bad_date}: ouverture : date « demain »",
    ]
    reported = problem_lines(lines)
    assert len(reported) == len(expected), "\n".join(lines)
    for line, start in zip(reported, expected, strict=True):
        assert line.startswith(start), "\n".join(lines)


def test_the_catalogue_finds_an_establishment_in_its_academie_only():
    from catalog.store import load_catalog

    catalog = load_catalog(ROOT / "content")
    listed = list(catalog.establishments)
    assert listed, "content/ lists establishments"
    academies = {e.academy for e in listed}
    for academy in academies:
        # In the order of establishments.csv, as the wizard's choice list shows them.
        assert list(catalog.establishments_of(academy)) == [
            e for e in listed if e.academy == academy
        ]
    school = listed[0]
    assert catalog.establishment(school.academy, school.uai) == school
    other = next(a for a in catalog.academies if a != school.academy)
    assert catalog.establishment(other, school.uai) is None
    assert catalog.establishment(school.academy, None) is None
    assert catalog.establishments_of("inconnue") == ()
