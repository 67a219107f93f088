"""Reference lists of the account form: the committed CSV files and their refresh."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from worker import refdata
from worker.refdata import Commune


@pytest.fixture(autouse=True)
def fresh_cache():
    refdata.clear_cache()
    yield
    refdata.clear_cache()


# ------------------------------------------------------------------ committed data


def test_rennes_found_in_ille_et_vilaine():
    assert refdata.find_commune("35", "rennes") == Commune("35238", "Rennes", "35")
    assert refdata.find_commune("035", "  RENNES ") == Commune("35238", "Rennes", "35")


def test_accents_hyphens_apostrophes_and_case_do_not_matter():
    saint_etienne = Commune("42218", "Saint-Étienne", "42")
    assert refdata.find_commune("42", "saint etienne") == saint_etienne
    assert refdata.find_commune("42", "SAINT-ETIENNE") == saint_etienne
    assert refdata.find_commune("42", "St Étienne") == saint_etienne
    for typed in ("L'Hay-les-Roses", "l hay les roses", "LHAY LES ROSES", "L’Haÿ-les-Roses"):
        found = refdata.find_commune("94", typed)
        assert found is not None and found.insee == "94038", typed


def test_commune_of_another_departement_is_not_found():
    assert refdata.find_commune("35", "Saint-Étienne") is None
    assert refdata.find_commune("42", "Rennes") is None
    assert refdata.find_commune("35", "") is None
    assert refdata.find_commune("99", "Rennes") is None


def test_paris_lyon_marseille_are_communes_but_not_their_arrondissements():
    assert refdata.communes_of("75") == [("75056", "Paris")]
    assert refdata.find_commune("69", "Lyon").insee == "69123"
    assert refdata.find_commune("13", "marseille").insee == "13055"
    assert refdata.commune_by_insee("75101") is None  # Paris 1er arrondissement
    assert refdata.commune_by_insee("75056") == Commune("75056", "Paris", "75")


def test_corsica_and_overseas():
    codes = dict(refdata.departements())
    assert codes["2A"] == "2A - CORSE-DU-SUD"
    assert codes["2B"] == "2B - HAUTE-CORSE"
    assert ("2A004", "Ajaccio") in refdata.communes_of("2A")
    assert refdata.find_commune("2b", "bastia").insee == "2B033"
    assert codes["974"] == "974 - LA RÉUNION"
    assert refdata.find_commune("974", "Saint-Denis") == Commune("97411", "Saint-Denis", "974")
    for com in ("975", "977", "978", "986", "987", "988"):
        assert com in codes and refdata.communes_of(com), com
    assert refdata.find_commune("988", "noumea").insee == "98818"


def test_departement_labels_as_on_the_form():
    labels = refdata.departements()
    assert ("35", "035 - ILLE-ET-VILAINE") in labels
    assert labels[0] == ("01", "001 - AIN")
    assert [code for code, _ in labels] == sorted(code for code, _ in labels)
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    expected |= {"971", "972", "973", "974", "976"}
    assert expected <= {code for code, _ in labels}


def test_communes_sorted_by_name_ignoring_accents():
    names = [name for _, name in refdata.communes_of("35")]
    assert names.index("Étrelles") < names.index("Fougères") < names.index("Rennes")


def test_france_first_then_alphabetical():
    countries = refdata.countries()
    assert countries[0] == ("FR", "FRANCE (DONT OUTRE-MER)")
    names = [name for _, name in countries]
    assert names.index("ÉGYPTE") < names.index("ESPAGNE") < names.index("ÉTATS-UNIS D'AMÉRIQUE")
    assert names.index("ALLEMAGNE") < names.index("BELGIQUE")
    codes = [code for code, _ in countries]
    assert len(codes) == len(set(codes))
    assert "GP" not in codes and "NC" not in codes  # part of France (dont outre-mer)
    assert all(name == name.upper() for name in names)


def test_is_france():
    assert refdata.is_france("FR")
    assert refdata.is_france("fr")
    assert refdata.is_france("GP")
    assert not refdata.is_france("BE")
    assert not refdata.is_france("")


def test_suggestions_for_a_typo():
    assert refdata.suggest_communes("35", "Renes")[0] == "Rennes"
    assert len(refdata.suggest_communes("35", "Renes", limit=2)) <= 2
    assert refdata.suggest_communes("35", "xqzw") == []
    assert refdata.suggest_communes("35", "Renes", limit=0) == []
    bors = refdata.suggest_communes("16", "Bors")
    assert "Bors (Canton de Charente-Sud)" in bors and "Bors (Canton de Tude-et-Lavalette)" in bors


def test_counts_plausible_and_files_well_formed():
    assert (
        34_000
        <= sum(len(refdata.communes_of(code)) for code, _ in refdata.departements())
        <= 36_000
    )
    assert len(refdata.departements()) >= 101
    assert 200 <= len(refdata.countries()) <= 260
    communes = refdata.DATA_DIR / "communes.csv"
    assert communes.stat().st_size < 1_200_000
    with communes.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["insee", "nom", "departement"]
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])
    assert 34_000 <= len(rows) - 1 <= 36_000


# ------------------------------------------------------------------ refresh


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


DEPARTEMENTS = [
    {"code": "35", "region": "53", "chefLieu": "35238", "nom": "Ille-et-Vilaine", "zone": "metro"},
    {"code": "2A", "region": "94", "chefLieu": "2A004", "nom": "Corse-du-Sud", "zone": "metro"},
    {"code": "75", "region": "11", "chefLieu": "75056", "nom": "Paris", "zone": "metro"},
    {"code": "988", "region": "988", "chefLieu": "98818", "nom": "Nouvelle-Calédonie"},
]
COMMUNES = [
    {"code": "35238", "nom": "Rennes", "departement": "35", "type": "commune-actuelle"},
    {"code": "35001", "nom": "Acigné", "departement": "35", "type": "commune-actuelle"},
    {"code": "35002", "nom": "Acigne", "departement": "35", "type": "commune-actuelle"},
    {"code": "35003", "nom": "Acigné", "departement": "35", "type": "commune-deleguee"},
    {"code": "2A004", "nom": "Ajaccio", "departement": "2A", "type": "commune-actuelle"},
    {"code": "75056", "nom": "Paris", "departement": "75", "type": "commune-actuelle"},
    {"code": "75101", "nom": "Paris 1er Arrondissement", "departement": "75", "commune": "75056",
     "type": "arrondissement-municipal"},
    {"code": "98818", "nom": "Nouméa", "departement": "988", "type": "commune-actuelle"},
    {"code": "99999", "nom": "Ailleurs", "departement": "999", "type": "commune-actuelle"},
]  # fmt: skip
COUNTRIES = {
    "locale": "fr",
    "countries": {
        "FR": "France",
        "BE": "Belgique",
        "EG": "Égypte",
        "US": ["États-Unis d'Amérique", "USA"],
        "GP": "Guadeloupe",
        "ES": "Espagne",
    },
}


def fake_source(root: Path, *, npm_layout: bool = True) -> Path:
    base = root / "node_modules" if npm_layout else root
    decoupage = base / "@etalab" / "decoupage-administratif"
    write_json(
        decoupage / "package.json", {"name": "@etalab/decoupage-administratif", "version": "9.9.9"}
    )
    write_json(decoupage / "data" / "departements.json", DEPARTEMENTS)
    write_json(decoupage / "data" / "communes.json", COMMUNES)
    countries = base / "i18n-iso-countries"
    write_json(countries / "package.json", {"name": "i18n-iso-countries", "version": "1.2.3"})
    write_json(countries / "langs" / "fr.json", COUNTRIES)
    return root


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_refresh_rewrites_the_csv_files(tmp_path):
    source = fake_source(tmp_path / "src")
    target = tmp_path / "out"
    target.mkdir()
    (target / "communes.csv").write_text("stale\n", encoding="utf-8")

    counts = refdata.refresh(source, target)

    assert counts == {"pays.csv": 5, "departements.csv": 4, "communes.csv": 6}
    assert read_rows(target / "departements.csv") == [
        ["code", "nom"],
        ["2A", "Corse-du-Sud"],
        ["35", "Ille-et-Vilaine"],
        ["75", "Paris"],
        ["988", "Nouvelle-Calédonie"],
    ]
    assert read_rows(target / "communes.csv") == [
        ["insee", "nom", "departement"],
        ["2A004", "Ajaccio", "2A"],
        ["35001", "Acigné", "35"],
        ["35002", "Acigne", "35"],
        ["35238", "Rennes", "35"],
        ["75056", "Paris", "75"],
        ["98818", "Nouméa", "988"],
    ]
    assert read_rows(target / "pays.csv") == [
        ["code", "nom"],
        ["BE", "BELGIQUE"],
        ["EG", "ÉGYPTE"],
        ["ES", "ESPAGNE"],
        ["FR", "FRANCE (DONT OUTRE-MER)"],
        ["US", "ÉTATS-UNIS D'AMÉRIQUE"],
    ]
    assert not [p.name for p in target.iterdir() if p.name.startswith(".")]  # no temp file left
    assert refdata.source_versions(source) == {
        "@etalab/decoupage-administratif": "9.9.9",
        "i18n-iso-countries": "1.2.3",
    }


def test_refreshed_files_are_what_the_functions_read(tmp_path, monkeypatch):
    refdata.refresh(fake_source(tmp_path / "src"), tmp_path / "out")
    monkeypatch.setattr(refdata, "DATA_DIR", tmp_path / "out")
    refdata.clear_cache()

    assert refdata.countries() == [
        ("FR", "FRANCE (DONT OUTRE-MER)"),
        ("BE", "BELGIQUE"),
        ("EG", "ÉGYPTE"),
        ("ES", "ESPAGNE"),
        ("US", "ÉTATS-UNIS D'AMÉRIQUE"),
    ]
    assert refdata.departements()[1] == ("35", "035 - ILLE-ET-VILAINE")
    assert refdata.communes_of("35") == [
        ("35002", "Acigne"),
        ("35001", "Acigné"),
        ("35238", "Rennes"),
    ]
    # Two communes alike once normalised: the same accents win, else the first INSEE code.
    assert refdata.find_commune("35", "ACIGNE").insee == "35002"
    assert refdata.find_commune("35", "acigné").insee == "35001"
    assert refdata.find_commune("35", "Acigne").insee == "35002"
    assert refdata.find_commune("35", "acîgne").insee == "35001"
    assert refdata.find_commune("988", "Noumea").insee == "98818"


def test_refresh_accepts_package_folders_directly(tmp_path):
    source = fake_source(tmp_path / "src", npm_layout=False)
    assert refdata.refresh(source, tmp_path / "out")["communes.csv"] == 6


@pytest.mark.parametrize(
    "missing",
    [
        "@etalab/decoupage-administratif/data/communes.json",
        "@etalab/decoupage-administratif/data/departements.json",
        "i18n-iso-countries/langs/fr.json",
    ],
)
def test_refresh_names_a_missing_source_file_and_writes_nothing(tmp_path, missing):
    source = fake_source(tmp_path / "src")
    (source / "node_modules" / missing).unlink()
    target = tmp_path / "out"
    target.mkdir()
    (target / "pays.csv").write_text("code;nom\nXX;AVANT\n", encoding="utf-8")

    with pytest.raises(ValueError, match=Path(missing).name.replace(".", r"\.")):
        refdata.refresh(source, target)
    assert (target / "pays.csv").read_text(encoding="utf-8") == "code;nom\nXX;AVANT\n"
    assert sorted(p.name for p in target.iterdir()) == ["pays.csv"]


def test_refresh_command(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from worker.cli import refdata as cli

    calls = []
    monkeypatch.setattr(cli, "refresh", lambda source, target: calls.append((source, target)) or {
        "pays.csv": 5, "departements.csv": 4, "communes.csv": 6})  # fmt: skip
    source = fake_source(tmp_path / "src")
    result = CliRunner().invoke(cli.refresh_command, [str(source)])

    assert result.exit_code == 0, result.output
    assert calls == [(source, Path(cli.__file__).resolve().parent)]
    assert "6 communes" in result.output and "9.9.9" in result.output

    result = CliRunner().invoke(cli.refresh_command, [str(tmp_path / "nowhere")])
    assert result.exit_code != 0
