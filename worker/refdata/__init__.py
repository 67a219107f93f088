"""Reference lists of the account-creation form: countries, départements, communes.

The form asks for the « pays de naissance » and, for someone born in France, the
« département, DOM ou COM de naissance » and the « commune de naissance » chosen within
that département. The three lists are committed beside this file as small CSV files
(UTF-8, ``;``-separated, one header row, sorted by code):

- ``pays.csv`` (``code;nom``): ISO 3166-1 alpha-2 code and French name in upper case,
  from the npm package ``i18n-iso-countries`` (``langs/fr.json``). France is labelled
  « FRANCE (DONT OUTRE-MER) », as in the guides; the ISO codes of the French overseas
  territories (Guadeloupe, Réunion, Nouvelle-Calédonie…) are left out of the list since
  they are part of France there, and are asked for as a DOM or COM instead.
- ``departements.csv`` (``code;nom``): official INSEE code and name of every
  département, DOM and COM with commune codes (975, 977, 978, 984, 986, 987, 988, 989),
  from Etalab's npm package ``@etalab/decoupage-administratif`` (``data/departements.json``,
  INSEE's Code officiel géographique). The form's label (« 035 - ILLE-ET-VILAINE ») is
  made here, by :func:`departements`.
- ``communes.csv`` (``insee;nom;departement``): the current communes (type
  ``commune-actuelle``: Paris, Lyon and Marseille but not their arrondissements, nor the
  communes déléguées or associées), same package, ``data/communes.json``.

Both packages are under open licences (Licence Ouverte for the data, MIT for the code).
To refresh the lists after a new yearly release of the Code officiel géographique::

    npm install --prefix /tmp/refdata @etalab/decoupage-administratif i18n-iso-countries
    flask --app worker refdata refresh /tmp/refdata

then review and commit the three CSV files. The packages are never dependencies of the
project (they are not in package.json): only the CSV files derived from them are shipped.

Everything is loaded lazily on first use and cached; :func:`clear_cache` forgets it.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from diskio import write_atomically

__all__ = [
    "DATA_DIR",
    "FRANCE",
    "Commune",
    "clear_cache",
    "commune_by_insee",
    "communes_of",
    "countries",
    "departements",
    "find_commune",
    "is_france",
    "refresh",
    "suggest_communes",
]

DATA_DIR = Path(__file__).resolve().parent
"""Where the CSV files are read from (tests may point it elsewhere, then clear_cache())."""

FRANCE = "FR"
FRANCE_LABEL = "FRANCE (DONT OUTRE-MER)"

# ISO 3166-1 codes of French overseas territories: part of « France (dont outre-mer) »,
# chosen on the form as a DOM or COM, so not offered as countries of birth.
FRENCH_OVERSEAS_ISO = frozenset(
    {"GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"}
)

COUNTRIES_FILE = "pays.csv"
DEPARTEMENTS_FILE = "departements.csv"
COMMUNES_FILE = "communes.csv"

# Source files, relative to each package's folder.
DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
COUNTRIES_PACKAGE = "i18n-iso-countries"
DECOUPAGE_DEPARTEMENTS = "data/departements.json"
DECOUPAGE_COMMUNES = "data/communes.json"
COUNTRIES_FR = "langs/fr.json"

CURRENT_COMMUNE = "commune-actuelle"


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    departement: str


# --------------------------------------------------------------------------- matching


def _strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _words(text: str, *, keep_accents: bool = False) -> list[str]:
    """Lower-case words of a name; hyphens, apostrophes, spaces and the like separate."""
    folded = (text if keep_accents else _strip_accents(text)).casefold()
    words = re.findall(r"\w+", folded.replace("_", " "))
    return [_ABBREVIATIONS.get(word, word) for word in words]


def _key(text: str) -> str:
    """Matching key, case, accents and separators ignored: "L Hay les roses" = "L'Haÿ-les-Roses"."""
    return "".join(_words(text))


def _accented_key(text: str) -> str:
    """Like _key but accents kept: tells "Saint-Étienne" from "Saint-Etienne"."""
    return "".join(_words(text, keep_accents=True))


def _sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order a French reader expects: É with E, Î with I."""
    return (" ".join(_words(text)), text)


# --------------------------------------------------------------------------- loading


def _normalise_departement(code: str) -> str:
    """Accept the official code ("35", "2A", "971") or the displayed one ("035", "02a")."""
    code = (code or "").strip().upper()
    if len(code) == 3 and code.startswith("0"):
        code = code[1:]
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    return code


def _display_code(code: str) -> str:
    return code.zfill(3) if code.isdigit() else code


def _read_csv(name: str, columns: Sequence[str]) -> list[list[str]]:
    path = DATA_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader, None)
        if header != list(columns):
            raise ValueError(f"{path}: en-tête {header!r}, attendu {list(columns)!r}")
        return [row for row in reader if row]


@cache
def _countries() -> tuple[tuple[str, str], ...]:
    rows = [(code, name) for code, name in _read_csv(COUNTRIES_FILE, ("code", "nom"))]
    france = [row for row in rows if row[0] == FRANCE]
    others = sorted((row for row in rows if row[0] != FRANCE), key=lambda row: _sort_key(row[1]))
    return tuple(france + others)


@cache
def _departements() -> tuple[tuple[str, str], ...]:
    rows = _read_csv(DEPARTEMENTS_FILE, ("code", "nom"))
    return tuple((code, name) for code, name in rows)


@cache
def _communes() -> dict[str, tuple[Commune, ...]]:
    by_departement: dict[str, list[Commune]] = {}
    for insee, name, departement in _read_csv(COMMUNES_FILE, ("insee", "nom", "departement")):
        by_departement.setdefault(departement, []).append(Commune(insee, name, departement))
    return {
        code: tuple(sorted(communes, key=lambda c: (*_sort_key(c.name), c.insee)))
        for code, communes in by_departement.items()
    }


@cache
def _communes_by_insee() -> dict[str, Commune]:
    return {c.insee: c for communes in _communes().values() for c in communes}


@cache
def _commune_keys(departement: str) -> dict[str, tuple[Commune, ...]]:
    index: dict[str, list[Commune]] = {}
    for commune in _communes().get(departement, ()):
        index.setdefault(_key(commune.name), []).append(commune)
    return {key: tuple(sorted(found, key=lambda c: c.insee)) for key, found in index.items()}


def clear_cache() -> None:
    """Forget the loaded lists (after a refresh, or when DATA_DIR changes)."""
    for cached in (_countries, _departements, _communes, _communes_by_insee, _commune_keys):
        cached.cache_clear()


# --------------------------------------------------------------------------- public API


def countries() -> list[tuple[str, str]]:
    """(ISO code, label) of every country: France first, then alphabetical ignoring accents."""
    return list(_countries())


def is_france(country_code: str) -> bool:
    """True for France, including the ISO codes of its overseas territories."""
    code = (country_code or "").strip().upper()
    return code == FRANCE or code in FRENCH_OVERSEAS_ISO


def departements() -> list[tuple[str, str]]:
    """(official code, label) in code order, the label as on the form: "035 - ILLE-ET-VILAINE"."""
    return [(code, f"{_display_code(code)} - {name.upper()}") for code, name in _departements()]


def communes_of(departement_code: str) -> list[tuple[str, str]]:
    """(INSEE code, name) of the current communes of a département, by name."""
    communes = _communes().get(_normalise_departement(departement_code), ())
    return [(c.insee, c.name) for c in communes]


def commune_by_insee(insee: str) -> Commune | None:
    """The current commune with this INSEE code, if any."""
    return _communes_by_insee().get((insee or "").strip().upper())


def find_commune(departement_code: str, typed_name: str) -> Commune | None:
    """The commune of the département whose name is the one typed.

    Case, accents, hyphens, apostrophes and spaces do not matter ("saint etienne" finds
    "Saint-Étienne", "L Hay les Roses" finds "L'Haÿ-les-Roses"), and "St"/"Ste" stand for
    "Saint"/"Sainte". Should several communes share the typed name once normalised, the
    one spelled with the same accents wins, else the first by INSEE code.
    """
    key = _key(typed_name or "")
    if not key:
        return None
    found = _commune_keys(_normalise_departement(departement_code)).get(key)
    if not found:
        return None
    accented = _accented_key(typed_name)
    exact = [c for c in found if _accented_key(c.name) == accented]
    return (exact or list(found))[0]


def suggest_communes(departement_code: str, typed_name: str, limit: int = 5) -> list[str]:
    """Names close to the one typed, for the error message (best first, at most limit)."""
    if limit <= 0:
        return []
    communes = _communes().get(_normalise_departement(departement_code), ())
    typed = " ".join(_words(typed_name or ""))
    if not typed or not communes:
        return []
    by_words: dict[str, list[str]] = {}
    for commune in communes:
        by_words.setdefault(" ".join(_words(commune.name)), []).append(commune.name)
    # A name typed in part ("Bors", "Chateau Chinon") suggests first the names it begins,
    # then come the close spellings ("Renes" → "Rennes").
    starting = [words for words in by_words if words.startswith(typed) and words != typed]
    close = difflib.get_close_matches(typed, list(by_words), n=limit, cutoff=0.6)
    suggestions: list[str] = []
    for words in [*starting, *close]:
        for name in by_words[words]:
            if name not in suggestions:
                suggestions.append(name)
    return suggestions[:limit]


# --------------------------------------------------------------------------- refresh


def _package_dir(source_dir: Path, package: str, relative_file: str) -> Path:
    """The package's folder under source_dir: npm's node_modules/ or the folder itself."""
    short = package.rsplit("/", 1)[-1]
    candidates = [
        source_dir / "node_modules" / package,
        source_dir / package,
        source_dir / short,
    ]
    for candidate in candidates:
        if (candidate / relative_file).is_file():
            return candidate
    raise ValueError(
        f"fichier source manquant : {package}/{relative_file} "
        f"(cherché dans {', '.join(str(c / relative_file) for c in candidates)})"
    )


def _source_file(source_dir: Path, package: str, relative_file: str) -> Path:
    return _package_dir(source_dir, package, relative_file) / relative_file


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} : JSON illisible ({error})") from error


def _records(path: Path, data: Any, fields: Iterable[str]) -> list[dict[str, Any]]:
    if not isinstance(data, list):
        raise ValueError(f"{path} : une liste était attendue")
    fields = tuple(fields)
    for record in data:
        if not isinstance(record, dict) or any(not record.get(field) for field in fields):
            raise ValueError(f"{path} : enregistrement sans {', '.join(fields)} : {record!r}")
    return data


def source_versions(source_dir: Path) -> dict[str, str]:
    """Version of each source package found under source_dir (from its package.json)."""
    versions = {}
    for package, probe in (
        (DECOUPAGE_PACKAGE, DECOUPAGE_COMMUNES),
        (COUNTRIES_PACKAGE, COUNTRIES_FR),
    ):
        try:
            manifest = _package_dir(Path(source_dir), package, probe) / "package.json"
            versions[package] = str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
        except (ValueError, OSError, KeyError, TypeError):
            versions[package] = "?"
    return versions


def _build_rows(source_dir: Path) -> dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    departements_path = _source_file(source_dir, DECOUPAGE_PACKAGE, DECOUPAGE_DEPARTEMENTS)
    communes_path = _source_file(source_dir, DECOUPAGE_PACKAGE, DECOUPAGE_COMMUNES)
    countries_path = _source_file(source_dir, COUNTRIES_PACKAGE, COUNTRIES_FR)

    departement_records = _records(
        departements_path, _load_json(departements_path), ("code", "nom")
    )
    departements_rows = sorted({(d["code"], d["nom"].strip()) for d in departement_records})
    known = {code for code, _ in departements_rows}

    commune_records = _records(communes_path, _load_json(communes_path), ("code", "type"))
    current = _records(
        communes_path,
        [c for c in commune_records if c["type"] == CURRENT_COMMUNE],
        ("code", "nom", "departement"),
    )
    communes_rows = sorted(
        {
            (c["code"], c["nom"].strip(), c["departement"])
            for c in current
            if c["departement"] in known
        }
    )

    countries_data = _load_json(countries_path)
    names = countries_data.get("countries") if isinstance(countries_data, dict) else None
    if not isinstance(names, dict) or not names:
        raise ValueError(f"{countries_path} : objet « countries » attendu")
    countries_rows = []
    for code, name in names.items():
        if isinstance(name, list):  # [official name, aliases...]
            name = name[0] if name else ""
        code = str(code).upper()
        if code in FRENCH_OVERSEAS_ISO or not name:
            continue
        countries_rows.append((code, FRANCE_LABEL if code == FRANCE else name.strip().upper()))
    countries_rows.sort()

    for label, rows in (
        (DEPARTEMENTS_FILE, departements_rows),
        (COMMUNES_FILE, communes_rows),
        (COUNTRIES_FILE, countries_rows),
    ):
        if not rows:
            raise ValueError(f"aucune ligne pour {label} : sources vides ?")
        if any(";" in field or "\n" in field for row in rows for field in row):
            raise ValueError(f"{label} : un nom contient « ; » ou un saut de ligne")

    return {
        COUNTRIES_FILE: (("code", "nom"), countries_rows),
        DEPARTEMENTS_FILE: (("code", "nom"), departements_rows),
        COMMUNES_FILE: (("insee", "nom", "departement"), communes_rows),
    }


def _write_atomically(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write beside path, then rename over it: readers see the old file or the new one."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_atomically(path, [text.getvalue().encode("utf-8")], mode=0o644)


def refresh(source_dir: Path, target_dir: Path) -> dict[str, int]:
    """Rewrite the three CSV files of target_dir from the npm packages under source_dir.

    source_dir is the folder given to ``npm install --prefix`` (packages under its
    node_modules/) or one holding the package folders themselves. Every source is read
    and checked before any file is written; each file is then replaced atomically.
    Returns the number of rows written per file. Raises ValueError naming a missing or
    unreadable source file.
    """
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    if not source_dir.is_dir():
        raise ValueError(f"dossier source introuvable : {source_dir}")
    files = _build_rows(source_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, (header, rows) in files.items():
        _write_atomically(target_dir / name, header, rows)
        counts[name] = len(rows)
    clear_cache()
    return counts
