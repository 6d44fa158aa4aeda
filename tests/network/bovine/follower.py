"""A fediverse account served by bovine (PyPI), the independent implementation of the live test.

Run with the interpreter of bovine's own virtualenv: ``python follower.py PORT``. It serves an actor
(``/actor``, an RSA key made at start) with an inbox (``/inbox``) whose every POST is checked by
bovine's ``SignatureChecker`` (draft-cavage or RFC 9421, digest, date), the key fetched from its
keyId and tied to the actor that publishes it. The test drives it over HTTP:

* ``POST /follow`` ``{"account": "name@host", "webfinger": "http://host/.well-known/webfinger"}``:
  bovine looks the account up by WebFinger, fetches the actor signed, and sends it a signed Follow;
  the answer holds the JRD, the actor document and the inbox's status.
* ``POST /undo`` ``{"follow": {...}}``: sends a signed Undo of that Follow.
* ``GET /received``: every activity the inbox got, with the key owner bovine verified (or null).
"""

from __future__ import annotations

import json
import sys
import uuid

import aiohttp
from aiohttp import web
from bovine.clients.lookup_account import lookup_with_webfinger
from bovine.clients.signed_http import SignedHttpClient
from bovine.crypto import generate_rsa_public_private_key
from bovine.crypto.signature_checker import SignatureChecker
from bovine.crypto.types import CryptographicIdentifier

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"
ACTOR = f"{BASE}/actor"
KEY_ID = f"{ACTOR}#main-key"
PUBLIC_PEM, PRIVATE_PEM = generate_rsa_public_private_key()
RECEIVED: list[dict] = []
ACCEPT = "application/activity+json"


async def actor(_request: web.Request) -> web.Response:
    document = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": ACTOR, "type": "Person", "preferredUsername": "bovine", "inbox": f"{BASE}/inbox",
        "publicKey": {"id": KEY_ID, "owner": ACTOR, "publicKeyPem": PUBLIC_PEM},
    }
    return web.json_response(document, content_type=ACCEPT)


async def retrieve_key(key_id: str) -> CryptographicIdentifier | None:
    """The key a signature names: fetched from the keyId's document, which must be its owner's actor."""
    async with aiohttp.ClientSession() as session, session.get(key_id.split("#")[0], headers={"accept": ACCEPT}) as response:
        document = json.loads(await response.text())
    key = document.get("publicKey", {})
    if key.get("id") != key_id or key.get("owner") != document.get("id"):
        return None
    return CryptographicIdentifier.from_pem(key["publicKeyPem"], key["owner"])


async def inbox(request: web.Request) -> web.Response:
    checker = SignatureChecker(key_retriever=retrieve_key)
    body = await request.read()

    async def read_body() -> bytes:
        return body

    owner = await checker.validate_signature(request.method, str(request.url), request.headers, read_body)
    RECEIVED.append({"activity": json.loads(body), "verified_owner": owner, "signature": request.headers.get("signature", "")})
    return web.Response(status=202 if owner else 401)


async def received(_request: web.Request) -> web.Response:
    return web.json_response(RECEIVED)


async def follow(request: web.Request) -> web.Response:
    wanted = await request.json()
    async with aiohttp.ClientSession() as session:
        client = SignedHttpClient(session, KEY_ID, PRIVATE_PEM)
        actor_url = await lookup_with_webfinger(session, wanted["webfinger"], {"resource": f"acct:{wanted['account']}"})
        async with session.get(wanted["webfinger"], params={"resource": f"acct:{wanted['account']}"}) as response:
            jrd = await response.json(content_type=None)
        response = await client.get(actor_url, headers={"accept": ACCEPT})
        actor_document = json.loads(await response.text())
        activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{BASE}/follows/{uuid.uuid4()}",
                    "type": "Follow", "actor": ACTOR, "object": actor_document["id"]}
        response = await client.post(actor_document["inbox"], json.dumps(activity))
        status, problem = response.status, await response.text()
    return web.json_response({"actor_url": actor_url, "jrd": jrd, "actor": actor_document, "follow": activity,
                              "status": status, "answer": problem})


async def undo(request: web.Request) -> web.Response:
    wanted = await request.json()
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{BASE}/undos/{uuid.uuid4()}",
                "type": "Undo", "actor": ACTOR, "object": wanted["follow"]}
    async with aiohttp.ClientSession() as session:
        response = await SignedHttpClient(session, KEY_ID, PRIVATE_PEM).post(wanted["inbox"], json.dumps(activity))
        return web.json_response({"status": response.status, "answer": await response.text()})


app = web.Application()
app.add_routes([web.get("/actor", actor), web.post("/inbox", inbox), web.get("/received", received),
                web.post("/follow", follow), web.post("/undo", undo)])
print("bovine follower ready", flush=True)
web.run_app(app, host="127.0.0.1", port=PORT, print=None)
