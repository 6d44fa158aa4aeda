"""Live nodes for the network tests, each started from a copy of one migrated database."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.network.harness import DatabaseTemplate, LiveNode, uses_postgres


def _redis_databases_of_this_test_process() -> itertools.cycle:
    """Redis databases 1–14 for the live nodes with a worker (15 is the run's own), split between the test
    processes (xdist workers gw0, gw1, …) so that no two running nodes share a broker and a cache."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker.removeprefix("gw") or 0) % count
    share = 14 // count
    return itertools.cycle(range(1 + index * share, 1 + (index + 1) * share))


_redis_databases = _redis_databases_of_this_test_process()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/network/" in str(item.fspath):
            item.add_marker(pytest.mark.network)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """The migrated database every live node copies."""
    template = DatabaseTemplate(tmp_path_factory.mktemp("template"))
    yield template
    template.drop()


class Network:
    """The live nodes of one test or module, stopped and removed together."""

    def __init__(self, root, template: DatabaseTemplate) -> None:
        self.root, self.template, self.nodes = root, template, []

    def __call__(self, name: str, city: str, *, worker: bool = False, start: bool = True, server_workers: int = 1) -> LiveNode:
        redis_db = next(_redis_databases) if worker and uses_postgres() else None
        node = LiveNode(name=name, city=city, root=self.root, worker=worker, redis_db=redis_db,
                        server_workers=server_workers)
        self.nodes.append(node)
        node.setup(self.template)
        if start:
            node.start()
        return node

    def close(self) -> None:
        for node in self.nodes:
            node.interrupt()
        for node in self.nodes:
            node.stop()
        for node in self.nodes:
            node.drop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed network test shows the end of each live node's log: what its server and worker did."""
    report = yield
    if report.when == "call" and report.failed:
        for fixture in ("network", "module_network"):
            for node in getattr(item.funcargs.get(fixture), "nodes", []):
                report.sections.append((f"log of {node.name} ({node.base_url}), its end", node.log()))
    return report


@pytest.fixture
def network(tmp_path, database_template):
    """Make live nodes for one test: ``network("Zukunftswerk Wiesbaden", "Wiesbaden", worker=True)``."""
    nodes = Network(tmp_path, database_template)
    yield nodes
    nodes.close()


@pytest.fixture(scope="module")
def module_network(tmp_path_factory, database_template):
    """Make live nodes shared by the tests of one module."""
    nodes = Network(tmp_path_factory.mktemp("network"), database_template)
    yield nodes
    nodes.close()
