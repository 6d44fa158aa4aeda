"""Serve this node with gunicorn and run its Celery worker (with beat) beside it, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from federation.sync import skipped_catch_up
from hub.processes import die_with


class Command(BaseCommand):
    help = "Serve the node on its HUB_BASE_URL with a background worker; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-worker", action="store_true", help="Serve only; run no Celery worker.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2).")

    def handle(self, *args, no_worker: bool, workers: int, **options) -> None:
        address = urlsplit(settings.HUB_BASE_URL)
        bind = f"{address.hostname}:{address.port or (443 if address.scheme == 'https' else 80)}"
        if settings.HUB_FEDERATION:
            self._catch_up()
        children = [] if no_worker else [self._start(self._worker_command())]
        children.append(self._start(self._server_command(bind, workers)))
        self.stdout.write(self.style.SUCCESS(f"Stadtlabor Hub serves {settings.HUB_BASE_URL}/ (Ctrl-C stops it)"))
        self._wait(children)

    def _catch_up(self) -> None:
        """Apply what was kept while this node did not know its type, now that it may (after an upgrade)."""
        outcome = skipped_catch_up()
        for name, count in sorted(outcome.caught_up.items()):
            self.stdout.write(f"Caught up on {count} kept item(s) of a type this node knows now: {name} "
                              f"({outcome.applied} applied, {len(outcome.rejections)} rejected in all).")
        if outcome.reread:
            self.stdout.write("Every peer's feed is read again from the start: this node now understands more than "
                              f"when it refused {', '.join(outcome.reread)}.")

    def _worker_command(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--loglevel=INFO",
                "--concurrency=1", "--hostname", f"hub-{os.getpid()}@%h"]

    def _server_command(self, bind: str, workers: int) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn_runnode",
                "--bind", bind, "--workers", str(workers), "--threads", "4", "--graceful-timeout", "5"]

    def _start(self, command: list[str]) -> subprocess.Popen:
        """Start a part of the node in a session of its own, so that Ctrl-C reaches this command alone and
        it stops the parts in order. Each part dies with this command, however it ends (``die_with``)."""
        return subprocess.Popen(command, start_new_session=True, preexec_fn=partial(die_with, os.getpid()))

    def _wait(self, children: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        self._stop(children)
        failed = [child for child in children if child.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            self.stderr.write(f"A part of the node stopped unexpectedly (exit {failed[0].returncode}).")
            sys.exit(1)

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()  # gunicorn and celery each stop their own workers on SIGTERM
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
