"""The build's kernels talk to jupyter_client over Unix sockets, not TCP ports.

Over TCP, jupyter_client chooses a kernel's five ports by binding and releasing them, and
the kernel binds them a moment later. In between, any other process may take one
(jupyter/jupyter_client#487, open): the kernel dies with "Address already in use" and the
build fails with "Kernel didn't respond in 60 seconds". A test run starts hundreds of
kernels from two workers, beside browsers and web servers: `make test` failed so twice
in three sessions' runs. Over IPC a kernel's sockets are files named after its own
connection file, so there is nothing to race for.

The build's kernelspec (``booktools.kernel_fork.kernelspec_dir``) names the provisioner
(``kernel_fork.PROVISIONER``); jupyter_client finds it by that name among the entry points
of the group ``jupyter_client.kernel_provisioners`` (``pyproject.toml``).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

# A socket's path must fit sockaddr_un.sun_path (108 bytes with its NUL); the longest is
# the prefix plus "-" and a port number of a digit or two.
SOCKET_PATH_MAX = 107 - len("-99")


class IpcProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel manager set to IPC first."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        manager = self.parent
        if not manager.connection_file:
            manager.connection_file = new_connection_file()
        manager.transport = "ipc"
        manager.ip = socket_prefix(manager.connection_file)
        manager.cache_ports = False  # the port cache binds TCP ports
        return await super().pre_launch(**kwargs)


def new_connection_file() -> str:
    """A new, empty connection file in the temporary folder (as jupyter_client makes one
    when the caller names none; it removes the file when the kernel shuts down)."""
    handle, path = tempfile.mkstemp(prefix="valor-kernel-", suffix=".json")
    os.close(handle)
    return path


def socket_prefix(connection_file: str) -> str:
    """What the kernel's socket files are named after (jupyter_client removes them when the
    kernel shuts down): its connection file's name, as jupyter_client's own default for
    IPC, or a unique name in the temporary folder when that would be too long."""
    prefix = os.path.splitext(connection_file)[0] + "-ipc"
    if len(os.fsencode(prefix)) <= SOCKET_PATH_MAX:
        return prefix
    return os.path.join(tempfile.gettempdir(), f"valor-kernel-{uuid.uuid4().hex}-ipc")
