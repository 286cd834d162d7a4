"""Reading an HR file: the encoding (UTF-8 with or without BOM, or Windows-1252), the
separator (semicolon or comma) and the columns, each known by its English or German name.

Nothing here touches the database: ``read`` turns bytes into rows with their line numbers,
or raises ``FileRefused`` with a message for the person who uploaded the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hanse.core.errors import ServiceError

# The column names a file may use (lower case, spaces and hyphens as underscores), per field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e_mail", "mail", "e_mail_adresse"),
    "first_name": ("first_name", "firstname", "given_name", "vorname"),
    "last_name": ("last_name", "lastname", "surname", "family_name", "nachname", "name"),
    "username": ("username", "user_name", "login", "benutzername", "kennung"),
    "job_title": ("job_title", "title", "position", "funktion", "stellenbezeichnung"),
    "unit": ("unit", "org_unit", "department", "organisationseinheit", "abteilung", "einheit"),
    "parent_unit": ("parent_unit", "uebergeordnete_einheit", "übergeordnete_einheit"),
    "location": ("location", "branch", "site", "standort", "filiale"),
    "manager_email": (
        "manager_email",
        "manager",
        "vorgesetzte_e_mail",
        "vorgesetzter",
        "vorgesetzte",
        "fuehrungskraft",
        "führungskraft",
    ),
    "phone": ("phone", "telephone", "telefon"),
    "mobile": ("mobile", "mobil", "handy"),
    "end_date": ("end_date", "leaving_date", "austrittsdatum", "austritt"),
}
REQUIRED = ("email", "first_name", "last_name", "unit")
MAX_ROWS = 200_000


class FileRefused(ServiceError):
    """The file as a whole cannot be read: nothing is planned, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="hr_file_refused")


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file the row starts on (the header is line 1)
    values: dict[str, str]  # field -> stripped text ("" when the column is absent or empty)


@dataclass(frozen=True)
class HrFile:
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str
    columns: tuple[str, ...]  # the fields present, in file order
    rows: list[Row]


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (a BOM is dropped), else
    Windows-1252. A file that is neither is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The file starts like UTF-8 but is not valid UTF-8.")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _("The file is neither UTF-8 nor Windows-1252 text. Please save it as CSV (UTF-8).")
        ) from exc


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").replace(".", " ").split())


_ALIASES = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}


def read(data: bytes) -> HrFile:
    """The rows of an HR file, or ``FileRefused`` saying what is wrong with it as a whole."""
    if b"\x00" in data[:4096]:
        raise FileRefused(_("This is not a CSV text file. Please upload a .csv file."))
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise FileRefused(_("The file is empty. The first line must name the columns."))
    # The separator is whichever of the two the header uses more (an Excel export in German
    # uses semicolons, most other tools commas).
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRefused(_("The first line must name the columns.")) from exc
    fields: list[str | None] = []
    seen: set[str] = set()
    for name in header:
        field = _ALIASES.get(_normalise(name))
        if field is not None and field in seen:
            raise FileRefused(_("The column “%(name)s” appears twice.") % {"name": name.strip()})
        if field is not None:
            seen.add(field)
        fields.append(field)
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        raise FileRefused(
            _(
                "Required columns are missing: %(missing)s. The first line must name the "
                "columns (see the file format below)."
            )
            % {"missing": ", ".join(missing)}
        )
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue  # empty lines are no rows
            if len(rows) >= MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"}
                )
            values = dict.fromkeys(COLUMNS, "")
            for field, cell in zip(fields, record, strict=False):
                if field is not None:
                    values[field] = cell.strip()
            rows.append(Row(line=start, values=values))
    except csv.Error as exc:
        raise FileRefused(
            _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": line, "error": exc}
        ) from exc
    if not rows:
        raise FileRefused(_("The file names its columns but has no rows."))
    columns = tuple(f for f in fields if f is not None)
    return HrFile(encoding=encoding, delimiter=delimiter, columns=columns, rows=rows)
