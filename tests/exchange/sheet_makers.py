"""Spreadsheets made on the fly for the reading tests and the torture bench: a tracker CSV of
any size, a tiny XLSX declaring a huge dimension, a CSV mixing two encodings.

Everything is invented; SIRETs pass the checksum. Nothing here depends on the samples.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from stdnum import luhn

TRACKER_HEADERS = [
    "Donneur d'ordre", "N° marché", "Objet du marché", "Lot", "Montant HT",
    "Heures d'insertion prescrites", "Entreprise attributaire", "SIRET", "Nom", "Prénom",
    "Date de naissance", "Sexe", "Critère d'éligibilité", "Type de contrat", "Date de début",
    "Date de fin", "Heures réalisées",
]  # fmt: skip

_LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Kouassi",
         "Diallo", "Traoré", "N'Diaye", "Guérin"]  # fmt: skip
_FIRST = ["Loïc", "Hélène", "Stéphane", "Léa", "Omar", "Aïcha", "Jérôme", "Chloé", "Mamadou",
          "Inès", "Noël", "Zoé", "Raphaël", "Maëlle", "Ibrahim", "Océane"]  # fmt: skip
_CRITERIA = ["BRSA", "DELD", "Jeune -26 ans peu qualifié", "Travailleur handicapé", "QPV",
             "Senior 50 ans et +"]  # fmt: skip
_TYPES = ["CDD", "CDI", "CDD chantier", "intérim", "CDDI"]


def siret(number: int) -> str:
    """A 14-digit SIRET passing the Luhn checksum, derived from ``number``."""
    body = f"{number:013d}"
    return body + luhn.calc_check_digit(body)


def tracker_line(n: int, rng: random.Random) -> list[str]:
    """The ``n``-th row of a national-size tracker: 400 authorities, 5 lots a contract,
    ~8 people a lot, every person distinct (name + birth date)."""
    authority = n // 150
    contract = n // 40
    lot = (n // 8) % 5 + 1
    company = n // 8 % 3000
    start_month = rng.randint(1, 11)
    end_month = min(12, start_month + rng.randint(0, 6))
    # At most 150 hours a month of the contract: a month holds no more than 744.
    hours = min(rng.randint(35, 1200), 150 * (end_month - start_month + 1))
    return [
        f"Commune n° {authority} de l'Estuaire",
        f"2025-{contract:06d}",
        f"Réhabilitation de {contract % 90 + 10} logements",
        f"Lot {lot} – Maçonnerie",
        f"{(lot * 37_000 + contract % 1000):d}",
        f"{lot * 70 + 35}",
        f"SARL Bâtisseurs {company}",
        siret(100_000 + company),
        f"{_LAST[n % len(_LAST)]}-{n}",
        _FIRST[n % len(_FIRST)],
        f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1960 + n % 45}",
        "F" if n % 3 == 0 else "H",
        _CRITERIA[n % len(_CRITERIA)],
        _TYPES[n % len(_TYPES)],
        f"01/{start_month:02d}/2025",
        f"28/{end_month:02d}/2025",
        f"{hours},{rng.randint(0, 99):02d}",
    ]


def write_tracker_csv(path: Path, rows: int | None = None, size_bytes: int | None = None,
                      seed: int = 1) -> Path:  # fmt: skip
    """A tracker as Excel writes CSV (cp1252, ``;``, decimal commas) of ``rows`` rows, or of
    about ``size_bytes`` bytes, written as a stream."""
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write("Suivi des clauses sociales — 2025\r\n\r\n")
        out.write(";".join(TRACKER_HEADERS) + "\r\n")
        n = 0
        while (rows is not None and n < rows) or (size_bytes is not None and written < size_bytes):
            line = ";".join(tracker_line(n, rng)) + "\r\n"
            out.write(line)
            written += len(line)
            n += 1
    return path


def _xlsx(path: Path, sheet_xml: str) -> Path:
    """A minimal valid workbook with one sheet whose XML is ``sheet_xml``."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Suivi" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_far_cell_xlsx(path: Path, dimension: str = "A1:XFD1048576",
                        far: str = "GR999990") -> Path:  # fmt: skip
    """A few-KB workbook declaring a huge dimension, a header, two data rows and one cell
    far away (``far``, empty to leave it out)."""
    headers = "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(TRACKER_HEADERS))
    rng = random.Random(3)
    data = ""
    for n in range(2):
        cells = "".join(
            _cell(f"{chr(65 + i)}{n + 2}", v.replace("'", "&apos;"))
            for i, v in enumerate(tracker_line(n, rng))
        )
        data += f'<row r="{n + 2}">{cells}</row>'
    far_row = ""
    if far:
        row_number = "".join(ch for ch in far if ch.isdigit())
        far_row = f'<row r="{row_number}">{_cell(far, "x")}</row>'
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData><row r="1">{headers}</row>{data}'
        f"{far_row}</sheetData></worksheet>"
    )
    return _xlsx(path, xml)


def write_mixed_encoding_csv(path: Path) -> Path:
    """A plain-ASCII header, then rows in UTF-8 and one row pasted from a cp1252 file: what
    happens when two exports are glued together."""
    rng = random.Random(5)
    lines = [";".join(h.encode("ascii", "replace").decode() for h in (
        "Donneur d'ordre", "Marche", "Entreprise", "Nom", "Prenom", "Date de debut",
        "Heures realisees"))]  # fmt: skip
    people = [("Kouassi", "Loïc"), ("Guérin", "Hélène"), ("Petit", "Noël")]
    encoded = [(lines[0] + "\r\n").encode("ascii")]
    for n, (last, first) in enumerate(people):
        row = tracker_line(n, rng)
        text = ";".join([row[0], row[1], row[6], last, first, row[14], row[16]]) + "\r\n"
        encoded.append(text.encode("cp1252" if n == 1 else "utf-8"))
    path.write_bytes(b"".join(encoded))
    return path
