"""A TCP proxy on loopback whose link can be cut and healed, and a live node its peers reach only through it.

``CuttableProxy`` forwards every connection on its port to a node's real port, a thread per direction.
``cut()`` drops every open connection and closes the port, so new connections are refused as if the
node's network were gone; ``heal()`` listens again on the same port. A ``ProxiedNode`` announces the
proxy's address as its base URL (``HUB_BASE_URL``), so the invitations it issues, its IRIs and every
peer's requests go through the proxy, while the test itself still reaches the node on its real port.
``runnode`` binds to the base URL's port, so this node runs its gunicorn directly (and no worker).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from tests.conftest import PROJECT_DIR, free_port
from tests.network.harness import LiveNode


class CuttableProxy:
    """Forward 127.0.0.1:``port`` to 127.0.0.1:``target``; cut and heal the link on demand."""

    def __init__(self, target: int, port: int | None = None) -> None:
        self.target, self.port = target, port or free_port()
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.accepted = 0

    @property
    def is_cut(self) -> bool:
        return self.listener is None

    def heal(self) -> None:
        """Listen (again) on the proxy's port and forward what arrives."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Drop every open connection and stop listening: new connections are refused."""
        listener, self.listener = self.listener, None
        if listener:
            _close(listener)  # shutdown wakes the thread blocked in accept()
        with self.lock:
            open_now, self.connections = self.connections, set()
        for conn in open_now:
            _close(conn)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the link is cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self.lock:
                if self.listener is not listener:  # cut while connecting
                    _close(client), _close(upstream)
                    return
                self.connections |= {client, upstream}
                self.accepted += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.connections -= {source, sink}
            _close(source), _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@dataclass
class ProxiedNode(LiveNode):
    """A live node whose peers (and IRIs) know it only by the proxy's address."""

    proxy: CuttableProxy | None = field(default=None)

    def __post_init__(self) -> None:
        self.proxy = CuttableProxy(target=self.port)
        self.proxy.heal()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"

    @property
    def local_url(self) -> str:
        """The node's real address, which only the test uses."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Serve with gunicorn on the real port, as runnode would (runnode binds to HUB_BASE_URL's port)."""
        args = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.server_workers), "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5"]
        log = (self.root / f"{self.data_dir.name}.log").open("a")
        self.process = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 60) -> None:
        """Wait on the real port: the proxy may be cut while the node restarts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} stopped:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.local_url + "/.well-known/stadtlabor", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not serve within {timeout} s:\n{self.log()}")
