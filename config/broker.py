"""The embedded broker: kombu's file-system transport, with messages that appear in the queue whole.

kombu's own ``_put`` creates the message file and then writes into it. A worker that lists the queue
folder in between moves the still empty file away, fails to decode it and stops for good (Celery logs
"Unrecoverable error: JSONDecodeError"), and the node does no background work until it is restarted;
under load (twenty nodes on two cores) that happens within minutes. Here a message is written to a
hidden file in the same folder, flushed, and renamed to its queue name, which POSIX makes atomic:
the reader, which only looks at names ending in ``.msg``, sees whole messages or none.
"""

from __future__ import annotations

import os
import uuid

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps
from kombu.utils.objects import cached_property

TRANSPORT = "config.broker:Transport"


class Channel(filesystem.Channel):
    """The file-system channel, writing each message under a temporary name and renaming it into the queue."""

    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(self._monotonic_ms()))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb", buffering=0) as file:
                file.write(str_to_bytes(dumps(payload)))
                os.fsync(file.fileno())
            os.rename(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error

    @staticmethod
    def _monotonic_ms() -> float:
        return filesystem.monotonic() * 1000


class Transport(filesystem.Transport):
    Channel = Channel

    @cached_property
    def implements(self):
        return filesystem.Transport.implements
