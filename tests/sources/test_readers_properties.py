"""Property tests of the readers of analysts' files: damaged KML, KMZ, xlsx and delimited text
end in a record list or in basewatch's own error naming the file, never in another exception;
a European CSV reads the same numbers as its plain twin."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basewatch.errors import ImportFormatError
from basewatch.sources.features import read_features
from tests.sources.test_real_world_imports import GOOGLE_EARTH_KML

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["name", "lat", "lon", "source"])
    wb.active.append(["Hama", 35.13, 36.75, "G"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _kmz_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", GOOGLE_EARTH_KML)
    return buf.getvalue()


def _ods_bytes() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    t = Table(name="s")
    for cells in (["name", "lat", "lon", "source"], ["Hama", "35.13", "36.75", "G"]):
        tr = TableRow()
        for c in cells:
            tc = TableCell(valuetype="string")
            tc.addElement(P(text=c))
            tr.addElement(tc)
        t.addElement(tr)
    doc.spreadsheet.addElement(t)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


SEEDS = {".ods": _ods_bytes(), ".kml": GOOGLE_EARTH_KML.encode(), ".kmz": _kmz_bytes(), ".xlsx": _xlsx_bytes(),
         ".csv": "name;lat;lon;source\nHama;35,13;36,75;G\n".encode()}


def damage(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    """Overwrite bytes at (position, value) pairs, positions taken modulo the length."""
    out = bytearray(data)
    for pos, value in cuts:
        out[pos % len(out)] = value
    return bytes(out)


@SETTINGS
@given(suffix=st.sampled_from(sorted(SEEDS)),
       cuts=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
       keep=st.floats(0.0, 1.0))
def test_damaged_files_end_in_records_or_our_error(tmp_path_factory, suffix, cuts, keep):
    data = damage(SEEDS[suffix], cuts)
    data = data[: max(1, int(len(data) * keep))] if keep < 1 else data
    p = Path(tmp_path_factory.mktemp("dmg")) / f"f{suffix}"
    p.write_bytes(data)
    try:
        ff = read_features(p, "places")
    except ImportFormatError as exc:
        assert str(exc).startswith("f" + suffix)
    else:
        assert isinstance(ff.features, list)


@SETTINGS
@given(values=st.lists(
    st.tuples(st.floats(-89.9, 89.9, allow_nan=False).map(lambda v: round(v, 4)),
              st.floats(-179.9, 179.9, allow_nan=False).map(lambda v: round(v, 4))),
    min_size=1, max_size=6))
def test_a_semicolon_csv_with_decimal_commas_reads_the_numbers_of_its_plain_twin(
        tmp_path_factory, values):
    tmp = Path(tmp_path_factory.mktemp("eu"))
    plain = "name,lat,lon,source\n" + "".join(f"p{i},{a!r},{b!r},G\n"
                                               for i, (a, b) in enumerate(values))
    eu = "name;lat;lon;source\n" + "".join(f"p{i};{a!r};{b!r};G\n".replace(".", ",")
                                           for i, (a, b) in enumerate(values))
    (tmp / "plain.csv").write_text(plain, "utf-8")
    (tmp / "eu.csv").write_text(eu, "utf-8")
    a = [f.props for f in read_features(tmp / "plain.csv", "places").features]
    b = [f.props for f in read_features(tmp / "eu.csv", "places").features]
    assert [(float(x["lat"]), float(x["lon"])) for x in a] == \
        [(float(x["lat"]), float(x["lon"])) for x in b]
