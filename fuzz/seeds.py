"""Write the seed corpus of the fuzz targets (fuzz/corpus/<target>/seed-*) from small files in
the real formats: the documented examples, demo data and a few hand-made ones.

Run: python fuzz/seeds.py   (idempotent; atheris adds its own finds next to the seeds)
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src/basewatch/demo/data"
EXAMPLES = ROOT / "docs/examples/flights"

AREA = ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"site":"tartus",'
        '"name":"harbour basin","kind":"water","source":"hand-drawn"},"geometry":{"type":"Polygon",'
        '"coordinates":[[[35.86,34.90],[35.88,34.90],[35.88,34.91],[35.86,34.91],[35.86,34.90]]]}}]}')
COUNTS = ("site,area,time,class,count,sensor,resolution_m,method,presence_only,source,source_date\n"
          "tartus,harbour basin,2024-12-03T08:25:00Z,frigate,2,Sentinel-2,10,manual,false,hand,"
          "2024-12-03\nkhmeimim,apron,2024-12-04,fighter,0,Maxar,0.5,detector,1,hand,\n")
TAR1090 = ("1533ff;RA-78847;IL76;10;ILYUSHIN Il-76;;\n"
           "43c6f1;ZZ176;C17;10;BOEING C-17 Globemaster III;;\n3c6444;D-AIBA;A319;00;;;\n")
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example wire</title><language>en</language>
<item><title>Frigates leave Tartus</title><link>https://example.org/1</link>
<pubDate>Tue, 03 Dec 2024 09:00:00 GMT</pubDate><description>&lt;p&gt;Two frigates&lt;/p&gt;
</description></item></channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example atom</title><id>urn:x</id>
<updated>2024-12-04T10:00:00Z</updated><entry><title>Il-76 lands at Khmeimim</title>
<id>urn:x:1</id><updated>2024-12-04T10:00:00Z</updated><author><name>A</name></author>
<content type="html">Landing seen &lt;br/&gt; at 10:00</content></entry></feed>"""
TELEGRAM = ('{"name": "Example channel", "type": "public_channel", "id": 1, "messages": [\n'
            ' {"id": 1, "type": "message", "date": "2024-12-04T12:00:00", "date_unixtime": '
            '"1733313600", "text": "Convoy near Hama"},\n'
            ' {"id": 2, "type": "message", "date": "2024-12-05T08:00:00", "forwarded_from": "X",'
            ' "text": ["See ", {"type": "link", "text": "https://example.org"}]},\n'
            ' {"id": 3, "type": "service", "date": "2024-12-05T09:00:00", "text": ""}\n]}')
TEXT = ("---\nsource: Example paper\npublished: 2024-12-05T10:00:00Z\ntitle: Bases\n"
        "quotes: @a, @b\n---\nRussian ships left Tartus on 2 December.\n")


def seeds() -> dict[str, list[bytes]]:
    """Seed inputs per target: first byte = variant index of fuzz/targets.py."""
    table = pcsv.read_csv(EXAMPLES / "opensky-states.csv")
    buf = io.BytesIO()
    pq.write_table(table.slice(0, 3), buf)
    ex = {p.name: p.read_bytes() for p in EXAMPLES.iterdir()}
    flights = DEMO / "flights"
    air = (flights / "aircraft.csv").read_bytes().splitlines(keepends=True)
    apt = (flights / "airports.csv").read_bytes().splitlines(keepends=True)
    rwy = (flights / "runways.csv").read_bytes().splitlines(keepends=True)
    posts = (DEMO / "posts.jsonl").read_bytes().splitlines(keepends=True)
    return {
        "imagery": [b"\0" + COUNTS.encode(),
                    b"\0" + b"".join((DEMO / "imagery/counts-observed.csv").read_bytes()
                                     .splitlines(keepends=True)[:4]),
                    b"\1" + AREA.encode()],
        "adsb": [b"\0" + ex["opensky-states.csv"], b"\0" + ex["positions.csv"],
                 b"\1" + ex["trace_full_1533ff.json"], b"\1" + ex["adsb-v2-mil.json"],
                 b"\2" + buf.getvalue(), b"\3" + ex["opensky-states.csv"],
                 b"\4" + ex["positions.csv"], b"\5" + ex["trace_full_1533ff.json"],
                 b"\6" + ex["adsb-v2-mil.json"]],
        "aircraft": [b"\0" + b"".join(air[:4]), b"\0" + TAR1090.encode(),
                     b"\1" + b"".join(apt[:4]), b"\1" + b"".join(rwy[:4])],
        "posts": [b"\0" + RSS, b"\0" + ATOM, b"\1" + TELEGRAM.encode(), b"\2" + b"".join(posts[:3]),
                  b"\3" + TEXT.encode(), b"\4" + b"Khmeimim was quiet today.\n",
                  b"\5" + RSS, b"\6" +
                  b'{"sources":[{"id":"wire","name":"Example wire","kind":"media",'
                  b'"reliability":"B","default_credibility":2,"graded_by":"analyst"}]}'],
    }


def reader_seeds() -> list[bytes]:
    """Seeds of the `readers` target: a KML, a KMZ, an xlsx, a ;-CSV (variants 0, 1, 2, 4)."""
    import zipfile

    import openpyxl

    kml = (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           b'<Placemark><name>Khmeimim</name><Point><coordinates>35.949,35.401,0</coordinates>'
           b'</Point></Placemark><Placemark><name>Area</name><Polygon><outerBoundaryIs>'
           b'<LinearRing><coordinates>36,35 37,35 37,36 36,35</coordinates></LinearRing>'
           b'</outerBoundaryIs></Polygon></Placemark></Document></kml>')
    kmz = io.BytesIO()
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml)
    wb = openpyxl.Workbook()
    wb.active.append(["name", "lat", "lon", "source"])
    wb.active.append(["Hama", 35.13, 36.75, "GeoNames"])
    xlsx = io.BytesIO()
    wb.save(xlsx)
    return [b"\0" + kml, b"\1" + kmz.getvalue(), b"\2" + xlsx.getvalue(),
            b"\4" + "Name;Latitude;Longitude\nHama;35,13;36,75\n".encode()]


def main() -> None:
    for target, items in {**seeds(), "readers": reader_seeds()}.items():
        folder = ROOT / "fuzz/corpus" / target
        folder.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(items):
            (folder / f"seed-{i:02d}").write_bytes(data)
        print(f"{target}: {len(items)} seeds in {folder.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
