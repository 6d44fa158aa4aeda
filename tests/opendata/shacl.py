"""Validating the catalog with pyshacl against the DCAT-AP.de 2.0 shapes, offline.

The shapes are GovData's (``tests/data/dcat-ap-de/shapes/``, copied from ``../shared/data/dcat-ap-de/``); the profile "Spezifikation" is
the specification, "Konventionen" adds GovData's conventions. The shapes' ``owl:imports`` of the controlled
vocabularies are not followed (no network); the few vocabulary statements the shapes look up (a value's
``skos:inScheme``) come from ``tests/data/dcat-ap-de/vocabulary.ttl``, and ``supplied`` tells which of them a
catalog needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from tests.conftest import PROJECT_DIR, require_service

SHAPES = PROJECT_DIR / "tests" / "data" / "dcat-ap-de" / "shapes"
VOCABULARY = PROJECT_DIR / "tests" / "data" / "dcat-ap-de" / "vocabulary.ttl"
SPECIFICATION = (
    "dcat-ap-de-imports.ttl",
    "dcat-ap-spec-german-messages.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-deprecated.ttl",
    "dcat-ap_2.1.1_shacl_shapes.ttl",
)
CONVENTIONS = (*SPECIFICATION, "dcat-ap-konventionen.ttl")
DCATDE_SHAPES = Namespace("http://dcat-ap.de/def/dcatde/")
# GovData's conventions 12 and 13 ask for a dcatde:contributorID from GovData's list of the portals that deliver
# to it. A lab is not on that list: the state portal that harvests the node names itself (docs/open-data.md).
NOT_FOR_A_MUNICIPALITY = (DCATDE_SHAPES.Konv12_13_contributorID_v_List,)


@dataclass(frozen=True)
class Report:
    """What pyshacl found, by severity, and its text."""

    results: Graph
    text: str

    def count(self, severity: URIRef) -> int:
        return len(set(self.results.subjects(SH.resultSeverity, severity)))

    @property
    def violations(self) -> int:
        return self.count(SH.Violation)

    @property
    def warnings(self) -> int:
        return self.count(SH.Warning)

    @property
    def infos(self) -> int:
        return self.count(SH.Info)

    def nodes(self) -> list[set[str]]:
        """Per result, the nodes it is about: its focus node and, where it names one, the value."""
        return [{str(node) for predicate in (SH.focusNode, SH.value) for node in self.results.objects(result, predicate)}
                for result in set(self.results.subjects(SH.resultSeverity, None))]


def shapes_graph(profile: tuple[str, ...]) -> Graph:
    """The profile's shapes; for the conventions, without those that do not apply to a municipality."""
    if not SHAPES.is_dir():
        require_service(f"the DCAT-AP.de shapes in {SHAPES}")
    shapes = Graph()
    for name in profile:
        shapes.parse(SHAPES / name, format="turtle")
    if profile == CONVENTIONS:
        for shape in NOT_FOR_A_MUNICIPALITY:
            shapes.add((shape, SH.deactivated, Literal(True)))
    return shapes


def vocabulary() -> Graph:
    return Graph().parse(VOCABULARY, format="turtle")


def validate(data: Graph, profile: tuple[str, ...] = SPECIFICATION, *, with_vocabulary: bool = True) -> Report:
    """Validate ``data`` against a profile, offline, with the local vocabulary statements (or without).

    The statements join the data graph, as the vocabularies' owl:imports would have (pyshacl's ``ont_graph``
    takes over class and property axioms only, not a vocabulary's concepts).
    """
    _, results, text = pyshacl.validate(
        data + vocabulary() if with_vocabulary else data, shacl_graph=shapes_graph(profile),
        inference="none", do_owl_imports=False, allow_infos=True, allow_warnings=True,
    )
    return Report(results=results, text=text)


def supplied(data: Graph) -> list[str]:
    """The local vocabulary statements about values ``data`` uses, as N-Triples lines: what the test supplied."""
    used = set(data.objects())
    lines = {f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in vocabulary() if s in used}
    return sorted(lines)


def describe(data: Graph, report: Report, *, source: str) -> str:
    """The report as the test prints it: the supplied statements, then pyshacl's text."""
    statements = supplied(data)
    return "\n".join([
        f"SHACL validation of {source} (DCAT-AP.de 2.0, offline; {len(data)} triples)",
        f"Vocabulary statements supplied locally from {VOCABULARY.relative_to(PROJECT_DIR)} ({len(statements)}):",
        *(f"  {line}" for line in statements),
        f"Violations: {report.violations}, warnings: {report.warnings}, infos: {report.infos}",
        report.text,
    ])
