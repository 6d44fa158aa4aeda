"""A lab as an ActivityPub actor, found by WebFinger; the node's NodeInfo."""

from __future__ import annotations

from importlib import metadata
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from fediverse import iris
from fediverse.documents.context import CONTEXT
from fediverse.documents.text import html_of_markdown, link_paragraph, text_paragraph
from fediverse.keys import actor_key
from fediverse.signatures import RFC9421_CAPABILITY, RFC9421_CAPABILITY_NAME
from hub.models import Lab, Node

ACTOR_TYPE = "Organization"
# FEP-844e: the software behind the actor says that its inbox takes RFC 9421 signatures (as well as draft-cavage).
GENERATOR = {"type": "Application", "implements": [{"href": RFC9421_CAPABILITY, "name": RFC9421_CAPABILITY_NAME}]}
NODEINFO_SCHEMAS = {"2.0": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                    "2.1": "http://nodeinfo.diaspora.software/ns/schema/2.1"}


def actor_document(lab: Lab) -> dict[str, Any]:
    """The lab's actor: its profile (name, city, summary, icon, page), boxes, RSA public key and signatures taken."""
    actor = iris.actor_iri(lab)
    with translation.override(settings.LANGUAGE_CODE):
        summary = html_of_markdown(lab.description) or text_paragraph(lab.name)
        summary += link_paragraph(gettext("%(name)s in %(city)s: events and method cards") % {"name": lab.name, "city": lab.city},
                                  iris.lab_page(lab))
        attachment = [_property(gettext("City"), lab.city)]
        if lab.website:
            attachment.append(_property(gettext("Website"), link_paragraph(lab.website, lab.website)))
    document = {
        "@context": CONTEXT,
        "id": actor,
        "type": ACTOR_TYPE,
        "preferredUsername": lab.slug,
        "name": lab.name,
        "summary": summary,
        "url": iris.lab_page(lab),
        "icon": {"type": "Image", "mediaType": "image/png", "url": iris.icon_url(lab)},
        "inbox": iris.inbox_iri(lab),
        "outbox": iris.outbox_iri(lab),
        "followers": iris.followers_iri(lab),
        "endpoints": {"sharedInbox": iris.shared_inbox_iri()},
        "publicKey": {"id": iris.key_id(lab), "owner": actor, "publicKeyPem": actor_key(lab).public_key_pem},
        "generator": GENERATOR,
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": lab.date_created.isoformat(),
        "attachment": attachment,
    }
    if lab.latitude is not None and lab.longitude is not None:
        document["location"] = {"type": "Place", "name": lab.city, "latitude": float(lab.latitude),
                                "longitude": float(lab.longitude)}
    return document


def _property(name: str, value: str) -> dict[str, str]:
    return {"type": "PropertyValue", "name": name, "value": value}


def webfinger_document(lab: Lab) -> dict[str, Any]:
    """The JRD that ``acct:slug@host`` resolves to (RFC 7033)."""
    return {
        "subject": f"acct:{lab.slug}@{iris.host()}",
        "aliases": [iris.actor_iri(lab), iris.lab_page(lab)],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": iris.actor_iri(lab)},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": iris.lab_page(lab)},
        ],
    }


def nodeinfo_links() -> dict[str, Any]:
    """``/.well-known/nodeinfo``: where the NodeInfo documents are."""
    return {"links": [{"rel": schema, "href": iris.absolute(f"/nodeinfo/{version}")}
                      for version, schema in NODEINFO_SCHEMAS.items()]}


def nodeinfo_document(version: str, *, node: Node | None, labs: int, posts: int) -> dict[str, Any]:
    """NodeInfo 2.0 or 2.1: the software, ActivityPub, the public labs as users, their public items as posts."""
    software = {"name": "stadtlabor-hub", "version": _version()}
    if version == "2.1":
        software["homepage"] = settings.HUB_BASE_URL + "/"
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {"users": {"total": labs}, "localPosts": posts},
        "metadata": {"nodeName": node.name if node else "", "city": node.city if node else ""},
    }


def _version() -> str:
    try:
        return metadata.version("stadtlabor-hub")
    except metadata.PackageNotFoundError:
        return "0"
