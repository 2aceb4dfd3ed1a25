"""A real HTTP server on 127.0.0.1 for each replica portal, each on its own port."""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from replicas.site import Request, Response, Site


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = f"replica-{site.platform}"
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """Headers and body go out as written: with Nagle's algorithm on, a keep-alive
            client's delayed ACK holds each body back 40 ms."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            self._answer(b"")

        def do_HEAD(self) -> None:
            self._answer(b"", head=True)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(self.rfile.read(length))

        def _answer(self, body: bytes, head: bool = False) -> None:
            # A portal's own slowness (a real one answers in tenths of a second, not 0.5 ms):
            # what lets several crawlers be seen sharing one crawl.
            time.sleep(float(os.environ.get("NIANBAO_REPLICA_LATENCY") or 0))
            url = urllib.parse.urlsplit(self.path)
            form = {}
            if body and "urlencoded" in (self.headers.get("Content-Type") or ""):
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), True)
            request = Request(
                self.command,
                urllib.parse.unquote(url.path),
                urllib.parse.parse_qs(url.query, True),
                form,
                {k.lower(): v for k, v in self.headers.items()},
            )
            response = validated(site.handle(request), request)
            if response.fault:
                self._misbehave(response, head)
                return
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if not head:
                self.wfile.write(response.body)

        def _misbehave(self, response: Response, head: bool) -> None:
            """What a hostile or broken server does (replicas/faults.py)."""
            kind, _, arg = response.fault.partition(":")
            if kind == "stall":
                time.sleep(float(arg))
            if kind == "reset":  # a TCP reset: linger on, for no time
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return
            size = int(arg) if kind == "stream" else len(response.body)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type or "text/html")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(size * 2 if kind == "truncate" else size))
            self.end_headers()
            if head:
                return
            try:
                if kind == "stream":
                    chunk = bytes(1 << 20)
                    for _ in range(size // len(chunk)):
                        self.wfile.write(chunk)
                else:
                    self.wfile.write(response.body)
            finally:
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # quiet: the crawl logs
            pass

    return Handler


def validated(response: Response, request: Request) -> Response:
    """A page or file with an entity tag, as a web server gives a static file, and a 304 for a
    request that names the tag it has (a script's answers, to POSTs, have none)."""
    if response.status != 200 or request.method not in ("GET", "HEAD"):
        return response
    names = {k.lower() for k in response.headers}
    if "etag" not in names and "cache-control" not in names:
        made = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
        response = replace(response, headers={**response.headers, "ETag": made})
    tag = next((v for k, v in response.headers.items() if k.lower() == "etag"), None)
    asked = request.headers.get("if-none-match")
    if tag and asked and tag in [t.strip() for t in asked.split(",")]:
        return Response(b"", status=304, content_type="", headers={"ETag": tag})
    return response


@dataclass
class Running:
    site: Site
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entry(self) -> str:
        return self.url + self.site.entry


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer (a crawl stopping, a browser cancelling) is the
        client's business; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving(
    sites: list[Site], base_port: int = 0, ports: list[int] | None = None
) -> Iterator[list[Running]]:
    """Serve every site until exit: on base_port, base_port + 1, …; or on the given ports,
    each where it is free, else on a free port; or on free ports."""
    servers = []
    try:
        for i, site in enumerate(sites):
            port = base_port + i if base_port else ports[i] if ports else 0
            try:
                server = _Server(("127.0.0.1", port), _handler(site))
            except OSError:  # taken (another crawl, `nianbao replicas`): anywhere will do
                if base_port:
                    raise
                server = _Server(("127.0.0.1", 0), _handler(site))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        yield [Running(s, srv.server_address[1]) for s, srv in zip(sites, servers, strict=True)]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
