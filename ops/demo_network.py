"""``make demo-network``: three nodes on 127.0.0.1:8001–8003 with demo content, peered and synced.

After the first sync, the second and third node report their experience with some of the first
node's methods, so that those methods' pages show reports from all three cities after the second sync.

Each node has its own data folder under ``var/demo-network/`` (``HUB_DEMO_NETWORK_DIR``; the first
port can be moved with ``HUB_DEMO_NETWORK_PORT``), its own SQLite database and its own
background worker. Ctrl-C stops everything this started. Running it again reuses the folders: nothing
is created twice, and the staff passwords are set anew and printed.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent  # where manage.py is

NODES = [
    ("Zukunftswerk Wiesbaden", "Wiesbaden", 8001),
    ("CitizenLab Mönchengladbach", "Mönchengladbach", 8002),
    ("CityLAB Berlin", "Berlin", 8003),
]
PEERINGS = [(1, 0), (2, 1), (2, 0)]  # (joiner, inviter): a triangle
STAFF_USER = "redaktion"


@dataclass
class DemoNode:
    """One node of the demo network and its processes."""

    name: str
    city: str
    port: int
    root: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
        slug = self.name.split()[0].lower()
        return clean | {"HUB_BASE_URL": self.url, "HUB_DATA_DIR": str(self.root / slug), "PYTHONUNBUFFERED": "1"}

    def manage(self, *args: str) -> str:
        """Run a management command on this node; stop the demo with its message if it fails."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.env(), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{self.name}: manage.py {args[0]} failed:\n{result.stderr or result.stdout}")
        return result.stdout

    def prepare(self) -> str:
        """Migrate, create the identity and demo content, and set a fresh staff password."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("init_node", "--name", self.name, "--city", self.city)
        self.manage("seed_demo")
        password = secrets.token_urlsafe(12)
        self.manage("shell", "-c", _staff_code(password))
        return password

    def start(self) -> None:
        log = (self.root / f"{self.port}.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runnode"], cwd=PROJECT_DIR, env=self.env(),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped; see {self.root / f'{self.port}.log'}")
            try:
                urllib.request.urlopen(self.url + "/.well-known/stadtlabor", timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within {timeout} s; see {self.root / f'{self.port}.log'}")

    def peers(self) -> str:
        return self.manage("peer", "list")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)

    def wait(self) -> None:
        if self.process:
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _staff_code(password: str) -> str:
    """Python for ``manage.py shell``: the staff account, a superuser and node administrator, with a fresh password."""
    return (
        "from django.contrib.auth.models import User\n"
        "from hub.roles import SYSTEM, Role\n"
        "from hub.services import role_grant\n"
        f"user, _ = User.objects.get_or_create(username={STAFF_USER!r})\n"
        "user.is_staff = user.is_superuser = True\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
        "role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)\n"
    )


def peer_all(nodes: list[DemoNode]) -> None:
    """Peer the nodes by invitations, unless they already are."""
    for joiner, inviter in PEERINGS:
        if nodes[inviter].url in nodes[joiner].peers():
            continue
        invitation = nodes[inviter].manage("peer", "invite", "--expires", "30m").strip()
        nodes[joiner].manage("peer", "join", invitation)


def report_experience(nodes: list[DemoNode]) -> None:
    """The other cities report on the first node's methods they mirror (once; a second start writes nothing)."""
    for node in nodes[1:]:
        print(node.manage("seed_demo", "--reports-about", nodes[0].url), end="", flush=True)


def main() -> None:
    """Start the demo network, print how to reach it, and wait for Ctrl-C."""
    root = Path(os.environ.get("HUB_DEMO_NETWORK_DIR") or PROJECT_DIR / "var" / "demo-network")
    root.mkdir(parents=True, exist_ok=True)
    first_port = int(os.environ.get("HUB_DEMO_NETWORK_PORT", NODES[0][2]))
    nodes = [DemoNode(name, city, first_port + n, root) for n, (name, city, _) in enumerate(NODES)]
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        print("Preparing three nodes (database, identity, demo content)…", flush=True)
        passwords = [node.prepare() for node in nodes]
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_until_serving()
        print("Peering them by invitations and syncing…", flush=True)
        peer_all(nodes)
        for node in nodes:
            print(node.manage("sync"), end="", flush=True)
        print("Reporting experience with the first node's methods from the other cities, and syncing again…", flush=True)
        report_experience(nodes)
        for node in nodes:
            print(node.manage("sync"), end="", flush=True)
        print("\nThe demo network is running (Ctrl-C stops it):")
        for node, password in zip(nodes, passwords, strict=True):
            print(f"  {node.name:30} {node.url}/   staff login: {STAFF_USER} / {password}  ({node.url}/admin/)")
        print(f"The impact view of the network's closing reports, for the staff login: {nodes[0].url}/network/impact")
        while not stopping and all(node.process.poll() is None for node in nodes):
            time.sleep(0.5)
    finally:
        for node in nodes:
            node.stop()
        for node in nodes:
            node.wait()
        print("Stopped all three nodes.")


if __name__ == "__main__":
    main()
