"""`make notebooks` retries its downloads (notebooks/execute.py), tested offline.

A local HTTP server on 127.0.0.1 fails the first requests (HTTP 500, or a connection closed with no
answer), then serves a file. Fetched for real (urllib, and Keras's own get_file, which
tf.keras.datasets.mnist.load_data() uses), the file arrives on the third try; a server that never
recovers ends in an error naming what could not be fetched, after three tries. The waits between
tries are recorded instead of slept.
"""

from __future__ import annotations

import http.server
import importlib.util
import threading
import urllib.request

import pytest

from conftest import ROOT

PAYLOAD = b"MNIST stand-in " * 1000


def executor():
    spec = importlib.util.spec_from_file_location("notebook_execute", ROOT / "notebooks" / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FlakyServer:
    """Fails the first `failures` requests the way `how` says ("500" or "drop"), then serves PAYLOAD.
    failures=None: fails every request."""

    def __init__(self, failures: int | None, how: str = "500"):
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests += 1
                if failures is None or server.requests <= failures:
                    if how == "drop":  # the connection closes before any answer
                        self.close_connection = True
                        return
                    self.send_error(500, "Internal Server Error")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(PAYLOAD)))
                self.end_headers()
                self.wfile.write(PAYLOAD)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist.npz"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def flaky():
    servers = []

    def start(failures, how="500"):
        servers.append(FlakyServer(failures, how))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def urllib_fetch(url: str):
    def fetch() -> bytes:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    return fetch


@pytest.mark.parametrize("how", ["500", "drop"])
def test_a_download_that_fails_twice_arrives_on_the_third_try(flaky, how, capsys):
    execute = executor()
    server = flaky(2, how)
    waits = []
    body = execute.retry("keras-dataset mnist", urllib_fetch(server.url), backoff=1.5, sleep=waits.append)
    assert body == PAYLOAD
    assert server.requests == 3
    assert waits == [1.5, 3.0], "backoff doubles between tries"
    log = capsys.readouterr().out
    assert log.count("keras-dataset mnist: try") == 2 and "try 2 of 3 failed" in log


def test_kerass_own_downloader_is_retried(flaky, tmp_path):
    """tf.keras.datasets.mnist.load_data() downloads with keras.utils.get_file, which turns an HTTP
    error into a plain Exception and removes the partial file: retried, it gets the file."""
    from keras.utils import get_file

    execute = executor()
    server = flaky(2)
    waits = []
    path = execute.retry("keras-dataset mnist",
                         lambda: get_file("mnist.npz", origin=server.url, cache_dir=str(tmp_path)),
                         sleep=waits.append)
    assert open(path, "rb").read() == PAYLOAD
    assert server.requests == 3 and len(waits) == 2


def test_a_download_that_never_arrives_is_named(flaky):
    execute = executor()
    server = flaky(None)
    waits = []
    with pytest.raises(execute.DownloadError) as failure:
        execute.retry("huggingface gpt2 (for gpt2.ipynb)", urllib_fetch(server.url), sleep=waits.append)
    message = str(failure.value)
    assert "could not fetch huggingface gpt2 (for gpt2.ipynb) after 3 tries" in message
    assert "500" in message, "the last error is shown"
    assert server.requests == 3 and waits == [execute.BACKOFF, 2 * execute.BACKOFF]


def test_make_notebooks_fetches_everything_before_it_runs_a_notebook(flaky, monkeypatch, capsys):
    """main() fetches each item of downloads.txt (with retries) first; a download that never arrives
    stops it with a message naming the item, and no notebook runs."""
    execute = executor()
    good, bad = flaky(1), flaky(None)
    urls = {"mnist": good.url, "gpt2": bad.url}
    fetched = []
    fetchers = {"keras-dataset": lambda what: fetched.append(urllib_fetch(urls[what])()),
                "huggingface": lambda what: fetched.append(urllib_fetch(urls[what])())}
    downloads = [("mnist", "keras-dataset", "mnist"), ("gpt2", "huggingface", "gpt2")]
    monkeypatch.setattr(execute, "read_downloads", lambda: downloads)
    monkeypatch.setattr(execute, "FETCHERS", fetchers)
    monkeypatch.setattr(execute, "BACKOFF", 0.0)
    monkeypatch.setattr(execute, "execute", lambda *args, **kwargs: pytest.fail("a notebook ran"))
    assert execute.main(["unused"]) == 1
    assert fetched == [PAYLOAD] and good.requests == 2 and bad.requests == 3
    err = capsys.readouterr().err
    assert "could not fetch huggingface gpt2 (for gpt2.ipynb) after 3 tries" in err and "No notebook was executed" in err


def test_every_listed_download_has_a_fetcher():
    execute = executor()
    downloads = execute.read_downloads()
    assert {notebook for notebook, _, _ in downloads} == {"mnist", "gpt2", "chinese-clip"}
    assert {kind for _, kind, _ in downloads} <= set(execute.FETCHERS)
    assert ("chinese-clip", "huggingface", "OFA-Sys/chinese-clip-vit-base-patch16@36e679e65c2a2fead755ae21162091293ad37834") in downloads
