"""A WSGI application that tells what the garbage collector of the worker serving it was set to (test_gunicorn_workers)."""

import gc
import json


def application(environ, start_response):
    body = json.dumps({"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
