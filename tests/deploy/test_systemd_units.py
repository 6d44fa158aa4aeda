"""The systemd units: structure always, and `systemd-analyze verify` where systemd is installed."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys

import pytest

from tests.deploy.conftest import DATA_DIR, DEPLOY_DIR, ENV_FILE, INSTALL_DIR, tool

UNITS = DEPLOY_DIR / "systemd"
SERVICES = {
    "stadtlabor-web.service": ["-m", "gunicorn", "--config", f"{INSTALL_DIR}/deploy/gunicorn.conf.py", "config.wsgi:application"],
    "stadtlabor-worker.service": ["-m", "celery", "-A", "config", "worker"],
    "stadtlabor-beat.service": ["-m", "celery", "-A", "config", "beat"],
}
HARDENING = {
    "NoNewPrivileges": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "ReadWritePaths": DATA_DIR,
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
}


def read_unit(name: str) -> configparser.ConfigParser:
    """A unit file as sections of keys; duplicate keys or sections fail, as they would confuse a reader."""
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str
    parser.read_string((UNITS / name).read_text())
    return parser


def test_deploy_ships_the_three_services_and_their_target():
    assert sorted(p.name for p in UNITS.iterdir()) == sorted([*SERVICES, "stadtlabor.target"])


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_runs_as_the_node_user_with_its_environment_file(name):
    service = read_unit(name)["Service"]
    assert (service["User"], service["Group"]) == ("stadtlabor", "stadtlabor")
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["WorkingDirectory"] == INSTALL_DIR
    assert service["Restart"] == "on-failure"


@pytest.mark.parametrize(("name", "arguments"), sorted(SERVICES.items()))
def test_each_service_starts_its_process_from_the_checkout(name, arguments):
    command = shlex.split(read_unit(name)["Service"]["ExecStart"])
    assert command[0] == f"{INSTALL_DIR}/.venv/bin/python"
    assert command[1:1 + len(arguments)] == arguments
    for argument in command:
        if argument.startswith(f"{INSTALL_DIR}/") and ".venv" not in argument:
            assert (DEPLOY_DIR.parent / argument.removeprefix(f"{INSTALL_DIR}/")).is_file(), argument


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_is_hardened_and_writes_only_to_the_data_directory(name):
    service = read_unit(name)["Service"]
    assert {key: service.get(key) for key in HARDENING} == HARDENING


def test_the_web_service_tells_systemd_when_gunicorn_is_ready_and_reloads_on_hup():
    service = read_unit("stadtlabor-web.service")["Service"]
    assert (service["Type"], service["NotifyAccess"]) == ("notify", "main")
    assert service["ExecReload"] == "/bin/kill -s HUP $MAINPID"


def test_the_target_starts_all_three_and_each_restarts_with_it():
    target = read_unit("stadtlabor.target")
    assert set(target["Unit"]["Wants"].split()) == set(SERVICES)
    assert target["Install"]["WantedBy"] == "multi-user.target"
    for name in SERVICES:
        unit = read_unit(name)
        assert unit["Unit"]["PartOf"] == "stadtlabor.target"
        assert unit["Install"]["WantedBy"] == "stadtlabor.target"


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    """The units as installed, with the checkout and interpreter of this test run in place of /opt."""
    systemd_analyze = tool("systemd-analyze")
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(f"{INSTALL_DIR}/.venv/bin/python", sys.executable)
        (tmp_path / unit.name).write_text(text.replace(INSTALL_DIR, str(DEPLOY_DIR.parent)))
    result = subprocess.run(
        [systemd_analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True, text=True, check=False, timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Unknown keys and unparsable values are only warnings for systemd: none may name our units.
    assert [line for line in output.splitlines() if "stadtlabor" in line] == [], output
