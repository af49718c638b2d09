import json

import pytest

from basewatch.errors import ImportFormatError
from basewatch.sources.importing import import_file
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS


def system(**over):
    base = {"id": "smerch", "name": "BM-30 Smerch", "class": "mrl", "calibre_mm": 300,
            "source": "W", "munitions": [{"name": "9M55K", "min_range_km": 20,
                                          "max_range_km": 70, "source": "W"}]}
    base.update(over)
    return base


def write(tmp_path, doc):
    p = tmp_path / "w.json"
    p.write_text(json.dumps(doc), "utf-8")
    return p


def test_catalog_imports_and_holdings_resolve_system_aliases(ws, tmp_path):
    doc = {"systems": [system(aliases=["Smerch"])],
           "holdings": [{"faction": "HTS", "system": "smerch", "valid_from": "2024-12-03",
                         "captured": True, "source": "OSINTtechnical"}]}
    r = import_file(ws, "weapons", write(tmp_path, doc))
    assert r.result.inserted == 2
    (h,) = ws.store.select(HOLDINGS)
    assert (h.faction, h.system, h.captured) == ("opposition", "smerch", True)
    (s,) = ws.store.select(WEAPON_SYSTEMS)
    assert s.munitions[0].max_range_km == 70


@pytest.mark.parametrize("doc,message", [
    ({"systems": [system(munitions=[{"name": "x", "max_range_km": 70}])]},
     r"w.json systems\[0\] munitions\[0\] \(x\): a range without a source is not allowed"),
    ({"systems": [system(munitions=[{"name": "x", "min_range_km": 80, "max_range_km": 70, "source": "W"}])]},
     r"w.json systems\[0\] munitions\[0\]: munition x: max range 70.0 km below min range 80.0 km"),
    ({"systems": [system(munitions=[{"name": "x", "max_range_km": -5, "source": "W"}])]},
     r"ranges must be positive"),
    ({"systems": [system(munitions=[{"name": "x", "max_range_km": 25000, "source": "W"}])]},
     r"max range 25000.0 km is over 20000 km"),
    ({"systems": [system()], "holdings": [{"faction": "opposition", "system": "Scud", "source": "W"}]},
     r"w.json holdings\[0\]: unknown system 'Scud' \(known: smerch\)"),
    ({"systems": [system()], "holdings": [{"faction": "martians", "system": "smerch", "source": "W"}]},
     r"w.json holdings\[0\]: unknown faction 'martians'"),
    ({"systems": [system()], "holdings": [{"faction": "opposition", "system": "smerch", "source": "W",
                                           "valid_from": "2024-12-05", "valid_to": "2024-12-01"}]},
     r"w.json holdings\[0\]: holding opposition/smerch: valid_to 2024-12-01 before valid_from 2024-12-05"),
    ({"systems": [system(**{"class": "trebuchet"})]}, r"unknown class 'trebuchet'"),
])
def test_bad_catalogs_are_refused_whole(ws, tmp_path, doc, message):
    before = (ws.folder / "basewatch.gpkg").read_bytes()
    with pytest.raises(ImportFormatError, match=message):
        import_file(ws, "weapons", write(tmp_path, doc))
    assert (ws.folder / "basewatch.gpkg").read_bytes() == before
