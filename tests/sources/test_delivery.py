import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from basewatch.model.assessment import Alert
from basewatch.sources.delivery import DeliveryError, deliver

ALERT = Alert("t1", dt.date(2024, 12, 3), "tartus", "tartus: in_reach(smerch) on 2024-12-03",
              ("in reach of BM-30 Smerch",))


class Receiver(BaseHTTPRequestHandler):
    statuses: list[int] = []
    bodies: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            Receiver.bodies.append(body)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.statuses, Receiver.bodies = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_webhook_receives_the_alerts(receiver):
    assert deliver([ALERT], receiver) == 1
    assert Receiver.bodies == [{"alerts": [ALERT.to_dict()]}]


def test_webhook_retries_on_server_errors(receiver):
    Receiver.statuses = [503, 429]
    assert deliver([ALERT], receiver, backoff_s=0.01) == 1
    assert len(Receiver.bodies) == 1


def test_webhook_refusal_is_a_clear_error(receiver):
    Receiver.statuses = [403]
    with pytest.raises(DeliveryError, match="refused the alerts \\(HTTP 403\\)"):
        deliver([ALERT], receiver)


def test_unreachable_webhook_gives_up_with_a_message():
    with pytest.raises(DeliveryError, match="gave up after 2 tries"):
        deliver([ALERT], "http://127.0.0.1:9/hook", retries=1, backoff_s=0.01)


def test_file_target_appends_json_lines(tmp_path):
    path = tmp_path / "alerts.jsonl"
    deliver([ALERT], str(path))
    deliver([ALERT], str(path))
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["tripwire"] == "t1"
