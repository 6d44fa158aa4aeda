"""The catalog validates against the DCAT-AP.de 2.0 shapes (pyshacl, offline): the specification in every
serialisation, and GovData's conventions where they apply to a municipality."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Namespace

from tests.opendata.shacl import (
    CONVENTIONS,
    SPECIFICATION,
    describe,
    supplied,
    validate,
    vocabulary,
)

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SERIALISATIONS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def fetched(client, path: str, rdf_format: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200, response.content.decode()[:2000]
    return Graph().parse(data=response.content, format=rdf_format)


@pytest.mark.parametrize("extension", SERIALISATIONS)
def test_the_catalog_conforms_to_the_specification_in_every_serialisation(client, holdings, extension):
    data = fetched(client, f"/catalog.{extension}", SERIALISATIONS[extension])
    report = validate(data, SPECIFICATION)
    print(describe(data, report, source=f"/catalog.{extension}"))
    assert (report.violations, report.warnings) == (0, 0), report.text
    assert len(set(data.subjects(RDF.type, DCAT.Dataset))) == 4


def test_the_catalog_meets_govdatas_conventions_for_a_municipality(client, holdings):
    data = fetched(client, "/catalog.ttl", "turtle")
    report = validate(data, CONVENTIONS)
    print(describe(data, report, source="/catalog.ttl, with the conventions"))
    assert (report.violations, report.warnings, report.infos) == (0, 0, 0), report.text


def test_a_datasets_own_description_conforms_too(client, holdings):
    for kind in ("events", "methods"):
        data = fetched(client, f"/catalog/{holdings.wiesbaden.slug}/{kind}", "turtle")
        report = validate(data, SPECIFICATION)
        assert (report.violations, report.warnings) == (0, 0), report.text


def test_without_the_local_vocabulary_only_the_vocabulary_lookups_fail(client, holdings):
    data = fetched(client, "/catalog.ttl", "turtle")
    report = validate(data, SPECIFICATION, with_vocabulary=False)
    looked_up = {str(subject) for subject in vocabulary().subjects()}
    assert report.violations > 0
    assert all(nodes & looked_up for nodes in report.nodes()), report.text  # each result is about a vocabulary value
    about = sorted(set().union(*report.nodes()) & looked_up)
    print(f"Without the local vocabulary: {report.violations} violations, {report.warnings} warnings, about", about)
    assert about == sorted(str(line.split()[0]).strip("<>") for line in supplied(data))


def test_the_validation_sees_a_broken_catalog(client, holdings):
    data = fetched(client, "/catalog.ttl", "turtle")
    for dataset in list(data.subjects(RDF.type, DCAT.Dataset))[:1]:
        data.remove((dataset, DCTERMS.title, None))
        data.add((dataset, DCAT.theme, DCTERMS.title))  # not an EU data theme
    report = validate(data, SPECIFICATION)
    assert report.violations == 2, report.text
