# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server of the simulated clusters' Kubernetes API (``kube.answer`` says what it answers), apart from ``kube`` so
that an eksctl call, which only changes the objects, starts without importing an HTTP server."""

from __future__ import annotations

import json
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .kube import answer
from .state import StateFile


class KubeServer:
    """The server, in a thread of the process that starts it (a test session, or ``make demo``'s)."""

    def __init__(self, state_path: str) -> None:
        self.state_path = state_path
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                handle = StateFile(server.state_path)
                with handle as state:
                    found = answer(state, self.command, parts.path, parse_qs(parts.query), body, self.headers.get("Authorization"))
                    if self.command != "GET" and found.code == 200:
                        handle.save()
                data = json.dumps(found.body).encode("utf-8")
                self.send_response(found.code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: t.Any) -> None:  # quiet: the tests read results, not access logs
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> KubeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
