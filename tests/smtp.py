"""A real SMTP server on 127.0.0.1 for tests, in a thread: one that takes mail, one that
refuses it, or one that accepts the connection and never answers (a hung server)."""

import socket
import socketserver
import threading
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        server.connections += 1
        if server.mode == "silent":
            server.release.wait(30)  # hold the connection, say nothing
            return
        if server.mode == "refuse":
            self._say("554 5.3.0 No mail accepted here")
            return
        self._say("220 gruuv-test ESMTP")
        data = None
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            if data is not None:
                if command == ".":
                    server.received.append(b"".join(data))
                    data = None
                    self._say("250 2.0.0 Queued")
                else:
                    data.append(line)
                continue
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 gruuv-test")
            elif verb == "DATA":
                data = []
                self._say("354 End data with <CR><LF>.<CR><LF>")
            elif verb == "QUIT":
                self._say("221 2.0.0 Bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self._say("250 2.0.0 OK")

    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode, self.connections, self.received = mode, 0, []
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]


@contextmanager
def smtp_server(mode: str = "accept"):
    server = Server(mode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mailer_settings(port: int, timeout: int = 2) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }
