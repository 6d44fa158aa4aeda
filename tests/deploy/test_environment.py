"""The example environment file, gunicorn's configuration and the stadtlabor-manage wrapper."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from config import env as config
from config.env import ConfigurationError
from tests.conftest import PROJECT_DIR
from tests.deploy.conftest import DATA_DIR, DEPLOY_DIR

EXAMPLE = DEPLOY_DIR / "hub.env.example"
SECRET_KEY = "k-" + "e" * 60 + "-x9!Q"
ASSIGNMENT = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(\S*)$")


def variables_read_by_the_node() -> set[str]:
    """Every environment variable config/env.py reads, found in its source."""
    source = (PROJECT_DIR / "config" / "env.py").read_text()
    return set(re.findall(r'"((?:HUB|DJANGO|DATABASE|CELERY)_[A-Z_]+)"', source))


def example() -> tuple[dict[str, str], set[str]]:
    """The example's assignments, and the names it shows commented out with their defaults."""
    values, commented = {}, set()
    for line in EXAMPLE.read_text().splitlines():
        if not line.strip() or (line.startswith("#") and not ASSIGNMENT.match(line)):
            continue
        match = ASSIGNMENT.match(line)
        assert match, f"not NAME=value without spaces or quotes: {line!r}"
        if match[1]:
            commented.add(match[2])
        else:
            assert match[2] not in values, f"{match[2]} is set twice"
            values[match[2]] = match[3]
    return values, commented


def test_the_example_names_every_variable_the_node_reads():
    values, commented = example()
    assert variables_read_by_the_node() - set(values) - commented == set()


def test_the_example_describes_a_production_node_once_its_placeholders_are_replaced():
    values, _ = example()
    loaded = config.load(values | {"DJANGO_SECRET_KEY": SECRET_KEY})
    assert loaded.production and not loaded.debug
    assert str(loaded.data_dir) == DATA_DIR
    assert loaded.database_url.startswith("postgres://") and loaded.broker_url.startswith("redis://")


def test_the_example_holds_no_usable_secret():
    values, _ = example()
    assert all("CHANGE-ME" in values[name] for name in ("DJANGO_SECRET_KEY", "DATABASE_URL"))
    with pytest.raises(ConfigurationError, match="at least 50 characters"):
        config.load(values)


def test_gunicorn_accepts_the_configuration_and_binds_where_nginx_proxies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY_DIR / "gunicorn.conf.py"), "--check-config",
         "--print-config", "config.wsgi:application"],
        cwd=PROJECT_DIR, env=env | {"HUB_DATA_DIR": str(tmp_path)}, capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^bind\s+= \['127\.0\.0\.1:8000'\]$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^forwarded_allow_ips\s+= \['127\.0\.0\.1', '::1'\]$", result.stdout, re.MULTILINE)


def test_stadtlabor_manage_is_a_valid_shell_script():
    script = DEPLOY_DIR / "stadtlabor-manage"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["sh", "-n", str(script)], capture_output=True, check=False).returncode == 0


def test_stadtlabor_manage_runs_manage_py_with_the_environment_file(tmp_path):
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("stadtlabor-manage switches users: it needs root and runuser")
    if not (PROJECT_DIR / ".venv" / "bin" / "python").exists():
        pytest.skip("stadtlabor-manage runs the checkout's .venv, which this checkout does not have")
    env_file = tmp_path / "hub.env"
    env_file.write_text(f"HUB_DATA_DIR={tmp_path / 'data'}\nHUB_SYNC_INTERVAL=77\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    env |= {"HUB_HOME": str(PROJECT_DIR), "HUB_ENV_FILE": str(env_file), "HUB_USER": "root"}
    result = subprocess.run(
        [str(DEPLOY_DIR / "stadtlabor-manage"), "shell", "-v", "0", "-c",
         "from django.conf import settings; print(settings.HUB_SYNC_INTERVAL, settings.HUB_DATA_DIR)"],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["77", str(tmp_path / "data")]
