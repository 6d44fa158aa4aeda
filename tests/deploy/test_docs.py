"""docs/deploy.md refers to every deployment file and variable, and only to commands that exist."""

from __future__ import annotations

import re

from django.core.management import get_commands

from tests.conftest import PROJECT_DIR
from tests.deploy.conftest import DEPLOY_DIR
from tests.deploy.test_environment import variables_read_by_the_node

GUIDE = (PROJECT_DIR / "docs" / "deploy.md").read_text()


def test_the_guide_names_every_file_under_deploy():
    files = {str(path.relative_to(PROJECT_DIR)) for path in DEPLOY_DIR.rglob("*") if path.is_file()}
    assert {name for name in files if name not in GUIDE} == set()


def test_the_guide_explains_every_variable_the_node_reads():
    assert {name for name in variables_read_by_the_node() if f"`{name}`" not in GUIDE} == set()


def test_the_guide_runs_only_management_commands_that_exist():
    used = set(re.findall(r"stadtlabor-manage ([a-z_]+)", GUIDE))
    assert used and used - set(get_commands()) == set()
