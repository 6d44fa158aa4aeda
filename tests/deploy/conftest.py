"""Where the deployment files live, and how a missing tool is reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

DEPLOY_DIR = PROJECT_DIR / "deploy"
INSTALL_DIR = "/opt/stadtlabor/hub"
DATA_DIR = "/var/lib/stadtlabor"
ENV_FILE = "/etc/stadtlabor/hub.env"


def tool(name: str, *extra_dirs: str) -> str:
    """The path of a command-line tool, or skip naming it: the structural tests still ran."""
    found = shutil.which(name) or next(
        (str(Path(d) / name) for d in extra_dirs if (Path(d) / name).is_file()), None
    )
    if found is None:
        pytest.skip(f"{name} is not installed: only the structural checks of the deployment files ran "
                    f"(apt-get install {'systemd' if name == 'systemd-analyze' else 'nginx-light'})")
    return found
