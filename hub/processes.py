"""A process that must not outlive the one that started it: ``manage.py runnode``'s server and worker, the worker's beat."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h

# Looked up when this module is imported, in the parent: a child between fork and exec (``preexec_fn``)
# then makes one system call and no dynamic-loader work, which could wait forever on a lock that another
# of the parent's threads held at the fork.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def die_with(parent: int) -> None:
    """Have Linux SIGKILL this process when ``parent`` dies, however it dies; nothing elsewhere.

    Called in the child, before it does its work. A parent killed outright (``kill -9``, the OOM killer)
    cannot stop its children: without this, gunicorn would keep the node's port and the worker its
    tasks, and a node started again would find them still running.
    """
    if _prctl is None:
        return
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)
