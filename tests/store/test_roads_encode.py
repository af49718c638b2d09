"""A road's stored JSON made by hand (store/roads.py) is the canonical text of its properties."""

import datetime as dt

from shapely.geometry import LineString

from basewatch.model import Provenance, Source
from basewatch.model.roads import RoadSegment
from basewatch.store.base import dumps
from basewatch.store.roads import ROADS


def test_road_text_is_the_canonical_json_of_its_properties():
    odd = ['', 'Rue "du" Lac\\', 'Ünterführung\n\t', '東名高速', '\u2028\x00', 'a\ud800'[0]]
    provs = [Provenance(Source("OpenStreetMap contributors", "x.osm.pbf", "https://x.invalid/c")),
             Provenance(Source("b\"ench"), synthetic=True, generator="g", seed=3,
                        source_date=dt.date(2024, 1, 2), notes="ß")]
    for i, s in enumerate(odd):
        for prov in provs:
            for oneway in (-1, 0, 1):
                r = RoadSegment(f"osm-way-{i}{s}", LineString([(0, 0), (1, 1)]), prov, s, s[::-1],
                                s + "x", oneway, s, s)
                full, text = ROADS.encode(r)
                assert text == dumps(r.properties()) and full == r.properties()
