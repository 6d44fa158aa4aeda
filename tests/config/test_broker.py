"""The embedded broker (kombu's file-system transport) under concurrent writers and a reader.

kombu writes a message by creating its file and then writing into it; a worker listing the folder
between the two reads an empty file, fails to decode it and stops for good ("Unrecoverable error:
JSONDecodeError"). The node's transport writes each message beside the queue and renames it in, so
a reader sees whole messages only. Real processes, a real folder: writers in other processes put
messages while this process drains the queue.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from kombu import Connection

from config.broker import TRANSPORT
from tests.conftest import PROJECT_DIR

MESSAGES = 150
WRITERS = 3

WRITER = """
import sys
from kombu import Connection
transport, folder, count, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
options = {"data_folder_in": folder + "/queue", "data_folder_out": folder + "/queue",
           "control_folder": folder + "/control", "store_processed": False}
with Connection("filesystem://", transport=transport, transport_options=options) as connection:
    queue = connection.SimpleQueue("work")
    for number in range(count):
        queue.put({"writer": name, "number": number, "text": "x" * 2000})
"""


def drain_while_written(transport: str, folder) -> list[dict]:
    for part in ("queue", "control"):
        (folder / part).mkdir(parents=True, exist_ok=True)
    options = {"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
               "control_folder": str(folder / "control"), "store_processed": False}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, transport, str(folder), str(MESSAGES), f"w{n}"],
                                cwd=PROJECT_DIR) for n in range(WRITERS)]
    received = []
    with Connection("filesystem://", transport=transport, transport_options=options) as connection:
        queue = connection.SimpleQueue("work")
        deadline = time.monotonic() + 120
        while len(received) < MESSAGES * WRITERS and time.monotonic() < deadline:
            try:
                message = queue.get(block=True, timeout=0.001)
            except queue.Empty:
                continue
            received.append(message.payload)
            message.ack()
    for writer in writers:
        assert writer.wait(timeout=60) == 0
    return received


def test_a_reader_gets_every_message_whole_while_other_processes_write(tmp_path):
    received = drain_while_written(TRANSPORT, tmp_path)
    assert len(received) == MESSAGES * WRITERS
    assert {(m["writer"], m["number"]) for m in received} == {(f"w{w}", n) for w in range(WRITERS) for n in range(MESSAGES)}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX rename")
def test_the_node_uses_its_transport_for_the_embedded_broker(settings):
    transport = getattr(settings, "CELERY_BROKER_TRANSPORT", None)  # unset with Redis or RabbitMQ: kombu chooses by the URL
    assert settings.CELERY_BROKER_URL.startswith("filesystem://") is (transport == TRANSPORT)
