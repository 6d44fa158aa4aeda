"""init_node: the node's key, record and first lab, created once."""

import io

import pytest
from django.core.management import CommandError, call_command

from hub.identity import key_load, public_key_multibase
from hub.models import Lab, Node


def init(**options):
    out = io.StringIO()
    call_command("init_node", stdout=out, **({"name": "Zukunftswerk Wiesbaden", "city": "Wiesbaden"} | options))
    return out.getvalue()


@pytest.mark.django_db
def test_init_creates_a_private_key_file_the_node_and_its_first_lab(node_key_path, settings):
    output = init()
    assert "Created node Zukunftswerk Wiesbaden" in output
    assert node_key_path.stat().st_mode & 0o777 == 0o600
    node = Node.objects.get(is_local=True)
    assert node.iri == settings.HUB_BASE_URL + "/"
    assert node.public_key_multibase == public_key_multibase(key_load(node_key_path))
    assert node.public_key_multibase.startswith("z6Mk")
    lab = Lab.objects.get(origin=node)
    assert (lab.name, lab.city, lab.iri) == ("Zukunftswerk Wiesbaden", "Wiesbaden", f"{settings.HUB_BASE_URL}/labs/zukunftswerk-wiesbaden")


@pytest.mark.django_db
def test_second_run_changes_nothing_and_says_so(node_key_path):
    init()
    key_before = node_key_path.read_bytes()
    output = init(name="Anderer Name", city="Anderswo")
    assert "already initialised as Zukunftswerk Wiesbaden" in output and "nothing changed" in output
    assert node_key_path.read_bytes() == key_before
    assert Node.objects.get().name == "Zukunftswerk Wiesbaden"
    assert Lab.objects.count() == 1


@pytest.mark.django_db
def test_a_node_without_its_key_file_is_reported(node_key_path):
    init()
    node_key_path.unlink()
    with pytest.raises(CommandError, match="key file .* is missing"):
        init()


@pytest.mark.django_db
def test_the_private_key_never_appears_in_a_database_dump(node_key_path):
    init()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    private_pem_body = node_key_path.read_text().splitlines()[1]
    assert private_pem_body not in dump.getvalue()
    assert "PRIVATE KEY" not in dump.getvalue()
