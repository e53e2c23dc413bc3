"""Import of committees, centres, workplaces and people with roles from CSV or XLSX.

All or nothing: every row is validated first, each bad row is reported with its line
number and field, and nothing is written unless the whole file is good. Writes are bulk
operations inside one transaction, so 2,000 workplaces take seconds, not minutes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.registry import record_bulk

from .models import (
    CENTRE_ROLES,
    COMMITTEE_ROLES,
    SECRETARY_ROLES,
    WORKPLACE_ROLES,
    Centre,
    Committee,
    ImportJob,
    Membership,
    Role,
    Workplace,
    WorkplaceKind,
)
from .slugs import danish_slugify

User = get_user_model()
Progress = Callable[[int, int], None]
MAX_ROWS = 100_000
MAX_CELL = 2_000
MAX_COLUMNS = 200
MAX_XLSX_COLUMN = 16_384  # XFD, the widest column a sheet can name
# An XLSX is a zip: refuse one that unpacks to more than this (a decompression bomb).
# The declared sizes are a real bound: Python's zipfile never unpacks more than an entry declares.
MAX_XLSX_UNPACKED = 200 * 1024 * 1024

# Column names as municipalities write them (Danish or English) → our field names.
HEADER_ALIASES = {
    "name": "name",
    "navn": "name",
    "short_name": "short_name",
    "kortnavn": "short_name",
    "forkortelse": "short_name",
    "description": "description",
    "beskrivelse": "description",
    "slug": "slug",
    "id": "slug",
    "kode": "slug",
    "kind": "kind",
    "type": "kind",
    "art": "kind",
    "virksomhedstype": "kind",
    "centre": "centre",
    "center": "centre",
    "committees": "committees",
    "committee": "committees",
    "udvalg": "committees",
    "address": "address",
    "adresse": "address",
    "postcode": "postcode",
    "postnr": "postcode",
    "postnummer": "postcode",
    "city": "city",
    "by": "city",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "phone": "phone",
    "telefon": "phone",
    "tlf": "phone",
    "full_name": "full_name",
    "fulde navn": "full_name",
    "fuldt navn": "full_name",
    "job_title": "job_title",
    "stilling": "job_title",
    "titel": "job_title",
    "role": "role",
    "rolle": "role",
    "workplace": "workplace",
    "virksomhed": "workplace",
    "starts_on": "starts_on",
    "start": "starts_on",
    "fra": "starts_on",
    "startdato": "starts_on",
    "ends_on": "ends_on",
    "slut": "ends_on",
    "til": "ends_on",
    "slutdato": "ends_on",
}

REQUIRED_COLUMNS = {
    ImportJob.Kind.COMMITTEES: {"name"},
    ImportJob.Kind.CENTRES: {"name"},
    ImportJob.Kind.WORKPLACES: {"name", "kind"},
    ImportJob.Kind.PEOPLE: {"email", "full_name", "role"},
}

ROLE_ALIASES = {
    **{role.value: role for role in Role},
    **{str(role.label).lower(): role for role in Role},
    "udvalgsmedlem": Role.COMMITTEE_MEMBER,
    "medlem": Role.COMMITTEE_MEMBER,
    "udvalgsformand": Role.COMMITTEE_CHAIR,
    "formand": Role.COMMITTEE_CHAIR,
    "udvalgssekretær": Role.COMMITTEE_SECRETARY,
    "sekretær": Role.COMMITTEE_SECRETARY,
    "virksomhedsleder": Role.WORKPLACE_LEADER,
    "leder": Role.WORKPLACE_LEADER,
    "medarbejder": Role.EMPLOYEE,
    "ansat": Role.EMPLOYEE,
    "tillidsrepræsentant": Role.UNION_REP,
    "tr": Role.UNION_REP,
    "ftr": Role.UNION_REP,
    "med-kontakt": Role.MED_CONTACT,
    "medkontakt": Role.MED_CONTACT,
    "med kontakt": Role.MED_CONTACT,
    "kontaktperson i med": Role.MED_CONTACT,
    "centerchef": Role.CENTRE_HEAD,
    "direktør": Role.DIRECTOR,
    "administrator": Role.ADMINISTRATOR,
    "sekretariat": Role.ADMINISTRATOR,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, encoding, no header, too big)."""


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading ----------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number in the file, {field: text}); line 1 is the header."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raw = _read_xlsx(data)
    elif filename.lower().endswith((".csv", ".txt")):
        raw = _read_csv(data)
    else:
        raise ImportFileError(_("Choose a CSV or XLSX file."))
    (_first_line, header), *body = raw if raw else [(1, [])]
    if not any(header):
        raise ImportFileError(_("The file is empty or has no header row."))
    columns = [HEADER_ALIASES.get(str(h or "").strip().lower(), str(h or "").strip().lower()) for h in header]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    if _used_width(header) > MAX_COLUMNS:
        raise ImportFileError(_("The header row has more than %(max)s columns.") % {"max": MAX_COLUMNS})
    rows = []
    for index, values in body:
        if not any(str(v).strip() for v in values if v is not None):
            continue
        if _used_width(values) > len(columns):
            # Cells beyond the header would be silently dropped: say so instead.
            raise ImportFileError(
                _("Line %(line)s has %(cells)s cells, but the header row names only %(columns)s columns.")
                % {"line": index, "cells": _used_width(values), "columns": len(columns)}
            )
        row = {}
        for column, value in zip(columns, values, strict=False):
            if column:
                row[column] = _cell_text(value)
        rows.append((index, row))
    return rows


def _used_width(values) -> int:
    """The number of cells up to the last non-empty one (spreadsheets pad rows with empties)."""
    for width in range(len(values), 0, -1):
        value = values[width - 1]
        if value is not None and str(value).strip():
            return width
    return 0


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFileError(_("The file's text encoding is not UTF-8 or Windows-1252."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text file. Save it as CSV (UTF-8) and try again."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    csv.field_size_limit(MAX_CELL * 10)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                _("Line %(line)s has a cell longer than %(max)s characters.")
                % {"line": reader.line_num, "max": MAX_CELL * 10}
            ) from exc
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    return list(enumerate(rows, start=1))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    """The first sheet's rows as (row number, values), streamed without padding.

    openpyxl's own reader pads every row to the width the sheet *declares*: a 2 KB file
    declaring `A1:XFD1048576` becomes 16,384 cells a row (gigabytes for a few thousand
    rows). So the sheet XML is parsed here, cell by cell, keeping at most one row: a sheet
    that declares, or has, a cell wider than its header row is refused at once, and rows
    are never widened beyond the header. openpyxl still reads the workbook around the
    sheet (shared strings, date styles), which it keeps small.
    """
    from openpyxl import load_workbook

    not_readable = _("The file is not a readable XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFileError(not_readable) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFileError(
            _("The workbook unpacks to more than %(max)s MB. Save only the sheet to import and try again.")
            % {"max": MAX_XLSX_UNPACKED // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(not_readable) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(not_readable)
        return list(_stream_sheet(workbook.worksheets[0]))
    except ImportFileError:
        raise
    except Exception as exc:  # a broken sheet inside a valid zip
        raise ImportFileError(not_readable) from exc
    finally:
        workbook.close()


def _too_wide(width: int, header_width: int) -> ImportFileError:
    from openpyxl.utils.cell import get_column_letter

    return ImportFileError(
        _(
            "The sheet is wider than its header row: it reaches column %(column)s, but the header row "
            "names only %(columns)s columns. Delete the empty columns after the last heading (in Excel: "
            "select them, right-click, Delete) and save the file again."
        )
        % {"column": get_column_letter(min(width, MAX_XLSX_COLUMN)), "columns": header_width}
    )


def _stream_sheet(sheet) -> Iterator[tuple[int, list]]:
    # Imported here like openpyxl: only an import reads a sheet, and the organisation views
    # import this module into every web worker (issue 19, worker memory).
    from defusedxml import ElementTree
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    # Used only for parse_cell, which turns one <c> element into a typed value (shared
    # strings, dates by style, booleans) exactly as openpyxl would.
    cells = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    declared_width = 0
    header_width: int | None = None
    row_values: list[tuple[int, object]] | None = None
    row_number = rows = cell_depth = 0
    stack: list = []
    with sheet._get_source() as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                stack.append(element)
                if tag == "c":
                    cell_depth += 1
                elif tag == "row" and not cell_depth:
                    row_number = int(element.get("r") or row_number + 1)
                    cells.row_counter, cells.col_counter = row_number, 0
                    row_values = []
                elif tag == "dimension":
                    _first, _row, last_column, _last_row = range_boundaries(element.get("ref") or "A1")
                    declared_width = last_column or 0
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if tag == "c":
                cell_depth -= 1
                if row_values is not None and not cell_depth:
                    row_values.append(_sheet_cell(cells.parse_cell(element), row_number, header_width, len(row_values)))
            elif tag == "row" and not cell_depth and row_values is not None:
                values = [None] * max((column for column, _value in row_values), default=0)
                for column, value in row_values:
                    values[column - 1] = value
                row_values = None
                if header_width is None:
                    header_width = _used_width(values)
                    if not header_width:
                        raise ImportFileError(_("The file is empty or has no header row."))
                    if declared_width > header_width:
                        raise _too_wide(declared_width, header_width)
                    values = values[:header_width]
                else:
                    # Every row as wide as the header, never wider (cells beyond it were refused).
                    values += [None] * (header_width - len(values))
                rows += 1
                if rows > MAX_ROWS + 1:
                    raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
                yield row_number, values
            elif cell_depth:
                continue  # a cell's value: parse_cell reads it when the cell ends
            # Drop each element once read, so neither a row of a million cells nor the
            # formatting around the rows ever sits in memory.
            if parent is not None:
                parent.remove(element)


def _sheet_cell(cell: dict, row_number: int, header_width: int | None, cells_before: int) -> tuple[int, object]:
    """(column, value) of one parsed cell, refusing one beyond the header row."""
    column, value = cell["column"], cell["value"]
    if header_width is None:
        if column > MAX_COLUMNS:
            raise ImportFileError(_("The header row has more than %(max)s columns.") % {"max": MAX_COLUMNS})
    elif column > header_width or cells_before >= header_width:
        if value is not None and str(value).strip():
            raise ImportFileError(
                _("Line %(line)s has %(cells)s cells, but the header row names only %(columns)s columns.")
                % {"line": row_number, "cells": column, "columns": header_width}
            )
        raise _too_wide(max(column, header_width + 1), header_width)
    return column, value


# --- Validating and writing -----------------------------------------------------------


def _lookup(items: Iterable, *keys: Callable) -> dict[str, object]:
    table: dict[str, object] = {}
    for item in items:
        for key in keys:
            value = key(item)
            if value:
                table[str(value).strip().lower()] = item
    return table


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Validator:
    def __init__(self, kind: str):
        self.kind = kind
        self.errors: list[RowError] = []

    def error(self, line: int, field_name: str, message: str) -> None:
        self.errors.append(RowError(line, field_name, message))

    def text(self, line: int, row: dict, name: str, *, required=False, max_length=200) -> str:
        value = row.get(name, "").strip()
        if required and not value:
            self.error(line, name, _("This field is required."))
        elif len(value) > max_length:
            self.error(
                line, name, _("At most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(value)}
            )
        return value


def import_rows(*, kind: str, rows: list[tuple[int, dict[str, str]]], progress: Progress | None = None) -> ImportResult:
    """Validate every row, then write all of them or none."""
    result = ImportResult(rows=len(rows))
    missing = REQUIRED_COLUMNS[kind] - set().union(*(row.keys() for _, row in rows)) if rows else set()
    if not rows:
        result.errors.append(RowError(1, "", _("The file has no data rows.")))
        return result
    if missing:
        for column in sorted(missing):
            result.errors.append(RowError(1, column, _("The column is missing from the header row.")))
        return result
    handler = {
        ImportJob.Kind.COMMITTEES: _import_committees,
        ImportJob.Kind.CENTRES: _import_centres,
        ImportJob.Kind.WORKPLACES: _import_workplaces,
        ImportJob.Kind.PEOPLE: _import_people,
    }[kind]
    validator = _Validator(kind)
    writer = handler(validator, rows, progress or (lambda done, total: None))
    if validator.errors:
        result.errors = sorted(validator.errors, key=lambda e: (e.line, e.field))
        return result
    with transaction.atomic():
        result.created, result.updated = writer()
    return result


def _every(rows, progress):
    total = len(rows)
    for done, item in enumerate(rows, start=1):
        yield item
        if done % 200 == 0 or done == total:
            progress(done, total)


def _import_committees(v: _Validator, rows, progress):
    existing = _lookup(Committee.objects.all(), lambda c: c.name)
    seen: dict[str, int] = {}
    plan = []
    for line, row in _every(rows, progress):
        name = v.text(line, row, "name", required=True)
        short = v.text(line, row, "short_name", max_length=40)
        description = v.text(line, row, "description", max_length=MAX_CELL)
        if name.lower() in seen:
            v.error(line, "name", _("The same name is on line %(line)s.") % {"line": seen[name.lower()]})
        seen[name.lower()] = line
        plan.append((name, short, description))

    def write():
        created = updated = 0
        new, changed = [], []
        slugs = set(Committee.objects.values_list("slug", flat=True))
        for name, short, description in plan:
            committee = existing.get(name.lower())
            if committee is None:
                new.append(
                    Committee(name=name, short_name=short, description=description, slug=_unique_slug(name, slugs))
                )
            else:
                committee.short_name, committee.description = (
                    short or committee.short_name,
                    description or committee.description,
                )
                changed.append(committee)
        Committee.objects.bulk_create(new)
        Committee.objects.bulk_update(changed, ["short_name", "description"])
        created, updated = len(new), len(changed)
        return created, updated

    return write


def _import_centres(v: _Validator, rows, progress):
    existing = _lookup(Centre.objects.all(), lambda c: c.name)
    seen: dict[str, int] = {}
    plan = []
    for line, row in _every(rows, progress):
        name = v.text(line, row, "name", required=True)
        description = v.text(line, row, "description", max_length=MAX_CELL)
        if name.lower() in seen:
            v.error(line, "name", _("The same name is on line %(line)s.") % {"line": seen[name.lower()]})
        seen[name.lower()] = line
        plan.append((name, description))

    def write():
        new, changed = [], []
        slugs = set(Centre.objects.values_list("slug", flat=True))
        for name, description in plan:
            centre = existing.get(name.lower())
            if centre is None:
                new.append(Centre(name=name, description=description, slug=_unique_slug(name, slugs)))
            else:
                centre.description = description or centre.description
                changed.append(centre)
        Centre.objects.bulk_create(new)
        Centre.objects.bulk_update(changed, ["description"])
        return len(new), len(changed)

    return write


def _unique_slug(name: str, taken: set[str], max_length: int = 80) -> str:
    base = danish_slugify(name)[: max_length - 6] or "x"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _split_list(text: str) -> list[str]:
    for separator in ("|", ";"):
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()]
    return [text.strip()] if text.strip() else []


def _import_workplaces(v: _Validator, rows, progress):
    kinds = _lookup(WorkplaceKind.objects.all(), lambda k: k.slug, lambda k: k.name, lambda k: k.name_en)
    centres = _lookup(Centre.objects.all(), lambda c: c.name, lambda c: c.slug)
    committees = _lookup(Committee.objects.all(), lambda c: c.name, lambda c: c.short_name, lambda c: c.slug)
    existing = {w.slug: w for w in Workplace.objects.all()}
    seen: dict[str, int] = {}
    plan = []
    for line, row in _every(rows, progress):
        name = v.text(line, row, "name", required=True)
        slug_text = v.text(line, row, "slug", max_length=120)
        slug = danish_slugify(slug_text or name)[:120]
        if name and not slug:
            v.error(line, "name", _("The name needs at least one letter or digit."))
        if slug in seen:
            v.error(line, "name", _("The same workplace is on line %(line)s.") % {"line": seen[slug]})
        seen[slug] = line
        kind_text = v.text(line, row, "kind", required=True)
        kind = kinds.get(kind_text.lower())
        if kind_text and kind is None:
            v.error(
                line,
                "kind",
                _("Unknown kind “%(value)s”. Known kinds: %(known)s.")
                % {"value": kind_text, "known": ", ".join(sorted({k.name for k in kinds.values()}))},
            )
        centre_text = v.text(line, row, "centre")
        centre = centres.get(centre_text.lower()) if centre_text else None
        if centre_text and centre is None:
            v.error(line, "centre", _("Unknown centre “%(value)s”. Import the centres first.") % {"value": centre_text})
        committee_list = []
        for committee_text in _split_list(row.get("committees", "")):
            committee = committees.get(committee_text.lower())
            if committee is None:
                v.error(
                    line,
                    "committees",
                    _("Unknown committee “%(value)s”. Import the committees first.") % {"value": committee_text},
                )
            else:
                committee_list.append(committee)
        email = v.text(line, row, "email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                v.error(line, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
        plan.append(
            dict(
                slug=slug,
                name=name,
                kind=kind,
                centre=centre,
                committees=committee_list,
                address=v.text(line, row, "address"),
                postcode=v.text(line, row, "postcode", max_length=10),
                city=v.text(line, row, "city", max_length=100),
                email=email,
                phone=v.text(line, row, "phone", max_length=40),
                description=v.text(line, row, "description", max_length=MAX_CELL),
            )
        )

    def write():
        fields = ["name", "kind", "centre", "address", "postcode", "city", "email", "phone", "description"]
        new, changed = [], []
        for item in plan:
            workplace = existing.get(item["slug"])
            if workplace is None:
                workplace = Workplace(slug=item["slug"])
                new.append(workplace)
            else:
                changed.append(workplace)
            for name in fields:
                setattr(workplace, name, item[name])
            workplace._import_committees = item["committees"]
        Workplace.objects.bulk_create(new, batch_size=500)
        Workplace.objects.bulk_update(changed, fields, batch_size=500)
        through = Workplace.committees.through
        touched = new + changed
        linked: dict[int, set[int]] = {}
        for workplace_id, committee_id in through.objects.filter(workplace__in=[w.pk for w in changed]).values_list(
            "workplace_id", "committee_id"
        ):
            linked.setdefault(workplace_id, set()).add(committee_id)
        # The links are rows of Django's own through table, which no audited queryset
        # writes: record each workplace whose committees change, in bulk.
        record_bulk(
            [
                (w, AuditEntry.Action.UPDATE, {"committees": [sorted(before), sorted(after)]})
                for w in touched
                if (before := linked.get(w.pk, set())) != (after := {c.pk for c in w._import_committees})
            ]
        )
        through.objects.filter(workplace__in=[w.pk for w in changed]).delete()
        through.objects.bulk_create(
            [through(workplace_id=w.pk, committee_id=c.pk) for w in touched for c in w._import_committees],
            batch_size=1000,
        )
        return len(new), len(changed)

    return write


def _import_people(v: _Validator, rows, progress):
    committees = _lookup(Committee.objects.all(), lambda c: c.name, lambda c: c.short_name, lambda c: c.slug)
    workplaces = _lookup(Workplace.objects.all(), lambda w: w.name, lambda w: w.slug)
    centres = _lookup(Centre.objects.all(), lambda c: c.name, lambda c: c.slug)
    people = {u.email: u for u in User.objects.all().only("id", "email", "full_name", "job_title")}
    names: dict[str, tuple[str, int]] = {}
    plan = []
    for line, row in _every(rows, progress):
        email = v.text(line, row, "email", required=True, max_length=254).lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                v.error(line, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
        full_name = v.text(line, row, "full_name", required=True)
        if email and full_name:
            earlier = names.setdefault(email, (full_name, line))
            if earlier[0] != full_name:
                v.error(line, "full_name", _("Line %(line)s gives this email another name.") % {"line": earlier[1]})
        role_text = v.text(line, row, "role", required=True)
        role = ROLE_ALIASES.get(role_text.lower())
        if role_text and role is None:
            v.error(line, "role", _("Unknown role “%(value)s”.") % {"value": role_text})
        unit = {"committee": None, "workplace": None, "centre": None}
        if role in COMMITTEE_ROLES | SECRETARY_ROLES:
            unit["committee"] = _resolve(v, line, row, "committees", committees, _("committee"))
        elif role in WORKPLACE_ROLES:
            unit["workplace"] = _resolve(v, line, row, "workplace", workplaces, _("workplace"))
        elif role in CENTRE_ROLES:
            unit["centre"] = _resolve(v, line, row, "centre", centres, _("centre"))
        starts_on = ends_on = None
        for name in ("starts_on", "ends_on"):
            text = row.get(name, "").strip()
            if text:
                try:
                    parsed = _parse_date(text)
                except ValueError:
                    v.error(
                        line,
                        name,
                        _("“%(value)s” is not a date; write it as 2026-01-31 or 31-01-2026.") % {"value": text},
                    )
                    continue
                if name == "starts_on":
                    starts_on = parsed
                else:
                    ends_on = parsed
        if starts_on and ends_on and ends_on < starts_on:
            v.error(line, "ends_on", _("The end date is before the start date."))
        plan.append(
            dict(
                email=email,
                full_name=full_name,
                job_title=v.text(line, row, "job_title"),
                role=role,
                starts_on=starts_on,
                ends_on=ends_on,
                **unit,
            )
        )

    def write():
        today = dt.date.today()
        new_people = {}
        for item in plan:
            if item["email"] not in people and item["email"] not in new_people:
                person = User(email=item["email"], full_name=item["full_name"], job_title=item["job_title"])
                person.set_unusable_password()
                new_people[item["email"]] = person
        User.objects.bulk_create(new_people.values(), batch_size=1000)
        people.update(new_people)
        renamed = []
        for item in plan:
            person = people[item["email"]]
            if item["email"] not in new_people and person.full_name != item["full_name"]:
                person.full_name = item["full_name"]
                renamed.append(person)
        User.objects.bulk_update(renamed, ["full_name"], batch_size=1000)
        existing = {
            (m.person_id, m.role, m.committee_id, m.workplace_id, m.centre_id, m.starts_on): m
            for m in Membership.objects.filter(person__in=[p.pk for p in people.values()])
        }
        new_memberships, changed = [], []
        for item in plan:
            person = people[item["email"]]
            starts_on = item["starts_on"] or today
            key = (
                person.pk,
                item["role"],
                _pk(item["committee"]),
                _pk(item["workplace"]),
                _pk(item["centre"]),
                starts_on,
            )
            membership = existing.get(key)
            if membership is None:
                membership = Membership(
                    person=person,
                    role=item["role"],
                    committee=item["committee"],
                    workplace=item["workplace"],
                    centre=item["centre"],
                    starts_on=starts_on,
                    ends_on=item["ends_on"],
                )
                existing[key] = membership
                new_memberships.append(membership)
            elif membership.ends_on != item["ends_on"]:
                membership.ends_on = item["ends_on"]
                changed.append(membership)
        Membership.objects.bulk_create(new_memberships, batch_size=1000)
        Membership.objects.bulk_update(changed, ["ends_on"], batch_size=1000)
        return len(new_people) + len(new_memberships), len(renamed) + len(changed)

    return write


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _resolve(v: _Validator, line: int, row: dict, column: str, table: dict, label: str):
    text = row.get(column, "").strip()
    if not text:
        v.error(line, column, _("This role needs a %(unit)s.") % {"unit": label})
        return None
    found = table.get(text.lower())
    if found is None:
        v.error(line, column, _("Unknown %(unit)s “%(value)s”.") % {"unit": label, "value": text})
    return found
