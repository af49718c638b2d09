"""Tables as analysts have them: CSV with any common delimiter and decimal commas, .xlsx, .ods.

Every reader returns a :class:`Table` of string cells with the line (or sheet row) each record
starts on, so that errors name it. Nothing is evaluated: formulas are read as their cached
values (xlsx) or their office:value (ods).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.errors import ImportFormatError
from basewatch.sources._common import CsvRow

__all__ = ["SHEET_SUFFIXES", "TEXT_SUFFIXES", "Table", "read_table"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods")

#: Unpacked size limit of a spreadsheet's XML (a zip bomb is refused before it is inflated).
MAX_SHEET_XML_BYTES = 512 * 1024 * 1024

_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


class SheetRow(CsvRow):
    """A spreadsheet row: messages say "row", as the spreadsheet does."""

    @property
    def where(self) -> str:
        return f"{self.path.name} row {self.line}"


@dataclass
class Table:
    """Rows of one table: header columns, rows as CsvRow (line = file line or sheet row)."""

    path: Path
    columns: list[str]
    rows: list[CsvRow]
    notes: list[str] = field(default_factory=list)
    unit: str = "line"


def read_table(path: Path, data: bytes) -> Table:
    """The table in a delimited text file or the first non-empty sheet of a workbook."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_table(path, _xlsx_rows(path, data), "xlsx")
    if suffix == ".ods":
        return _rows_table(path, _ods_rows(path, data), "ods")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path.name}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
                                "save it as \"CSV UTF-8\" or import the .xlsx/.ods") from None
    return _read_delimited(path, text)


def _sniff(path: Path, text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_delimited(path: Path, text: str) -> Table:
    if not text.strip():
        raise ImportFormatError(f"{path.name}: empty file (expected a header row)")
    delim = _sniff(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFormatError(f"{path.name} line 1: cannot read the header ({exc})") from None
    notes = [] if delim == "," else [f"{path.name}: columns separated by {delim!r}"]
    rows: list[CsvRow] = []
    start = 2
    try:
        for cells in reader:
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                raise ImportFormatError(f"{path.name} line {start}: more fields than the header "
                                        "has")
            if len(cells) < len(header) and any(c.strip() for c in cells):
                raise ImportFormatError(f"{path.name} line {start}: fewer fields than the header "
                                        "has")
            if any(c.strip() for c in cells):
                rows.append(CsvRow(path, start, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(f"{path.name} line {reader.line_num}: {exc}") from None
    if delim != ",":
        # A European spreadsheet saves "35,949" with ';' between columns: read it as 35.949.
        hits = 0
        for r in rows:
            for k, v in r.values.items():
                if _DECIMAL_COMMA.match(v.strip()):
                    r.values[k] = v.strip().replace(",", ".")
                    hits += 1
        if hits:
            notes.append(f"{path.name}: {hits} decimal comma{'s' if hits > 1 else ''} read as "
                         "decimal points")
    return Table(path, header, rows, notes)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


def _rows_table(path: Path, sheets: list[tuple[str, list[list[str]]]], what: str) -> Table:
    """The first sheet with a header row; the header is its first non-empty row."""
    found = []
    for name, grid in sheets:
        nonempty = [(i, r) for i, r in enumerate(grid, start=1) if any(c for c in r)]
        if not nonempty:
            found.append(f"{name!r} (empty)")
            continue
        header = nonempty[0][1]
        width = max(i for i, c in enumerate(header, start=1) if c)
        cols = [c.strip() for c in header[:width]]
        rows: list[CsvRow] = []
        for line, cells in nonempty[1:]:
            if any(c for c in cells[width:]):
                raise ImportFormatError(f"{path.name} sheet {name!r} row {line}: cells right of "
                                        "the header's last column")
            rows.append(SheetRow(path, line, dict(zip(cols, [*cells, *[""] * width],
                                                      strict=False))))
        notes = [f"{path.name}: read sheet {name!r}"] if len(sheets) > 1 else []
        return Table(path, cols, rows, notes, unit="row")
    raise ImportFormatError(f"{path.name}: no data in any sheet (found: "
                            f"{', '.join(found) or 'no sheets'})")


def _check_zip(path: Path, data: bytes, what: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
            bad = z.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError,
            NotImplementedError) as exc:
        raise ImportFormatError(f"{path.name}: not a readable {what} file ({exc})") from None
    if bad is not None:
        raise ImportFormatError(f"{path.name}: {what} member {bad} is corrupt")
    if total > MAX_SHEET_XML_BYTES:
        raise ImportFormatError(f"{path.name}: unpacks to {total / 1e6:.0f} MB, over the "
                                f"{MAX_SHEET_XML_BYTES / 1e6:.0f} MB limit")


def _xlsx_rows(path: Path, data: bytes) -> list[tuple[str, list[list[str]]]]:
    _check_zip(path, data, "xlsx")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        out = [(ws.title, [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)])
               for ws in wb.worksheets]
        wb.close()
    except Exception as exc:  # openpyxl raises many types for malformed workbooks
        raise ImportFormatError(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    return out


def _ods_rows(path: Path, data: bytes) -> list[tuple[str, list[list[str]]]]:
    _check_zip(path, data, "ods")
    try:
        return _ods_grid(data)
    except ImportFormatError:
        raise
    except Exception as exc:  # odfpy raises many types for malformed documents
        raise ImportFormatError(f"{path.name}: not a readable ods spreadsheet ({exc})") from None


def _ods_grid(data: bytes) -> list[tuple[str, list[list[str]]]]:
    from odf import opendocument, table, text

    doc = opendocument.load(io.BytesIO(data))
    out = []
    for sheet in doc.spreadsheet.getElementsByType(table.Table):
        grid: list[list[str]] = []
        for row in sheet.getElementsByType(table.TableRow):
            cells: list[str] = []
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                value = cell.getAttribute("datevalue") or cell.getAttribute("value")
                if not value:
                    value = "\n".join(str(p) for p in cell.getElementsByType(text.P))
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                cells += [_cell_text(_number(value))] * min(repeat, 1024)
            rrepeat = int(row.getAttribute("numberrowsrepeated") or 1)
            # Sheets pad themselves with a million repeated empty rows: keep at most one.
            grid += [list(cells)] * (min(rrepeat, 10_000) if any(cells) else 1)
        out.append((str(sheet.getAttribute("name")), grid))
    return out


def _number(v: str) -> Any:
    try:
        return float(v) if re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", v) else v
    except ValueError:
        return v
