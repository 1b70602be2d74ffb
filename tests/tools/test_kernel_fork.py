"""Kernels forked from a preloaded process (booktools/kernel_fork.py), driven as myst-nb
drives them: through jupyter_client's KernelManager and the build's kernelspec."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from jupyter_client.manager import KernelManager

from booktools import kernel_fork, kernel_ipc

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
# what a kernel has imported before its first cell, its parent, itself, its folder, its environment
PROBE = (
    "import os, sys; print(','.join(m for m in ('pandas', 'scipy.stats', 'valor') if m in sys.modules), "
    "os.getppid(), os.getpid(), os.getcwd(), os.environ.get('VALOR_PROBE'), sep='|')"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A preloaded process (one for the module), the environment pointing at it."""
    with (
        mock.patch.dict(os.environ, {"PYTHONPATH": str(ROOT)}),
        kernel_fork.serving(tmp_path_factory.mktemp("kernels"), dict(os.environ)) as kernels,
    ):
        os.environ.update(kernels)
        yield server_pid(os.environ[kernel_fork.SOCKET_ENV])


def server_pid(address: str, within: float = 30.0) -> int:
    """The process serving ``address``, found in /proc by its command line (once it has
    started: a moment after it was launched)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError):
                if entry.name.isdigit() and address.encode() in (entry / "cmdline").read_bytes().split(b"\0"):
                    return int(entry.name)
        time.sleep(0.05)
    raise AssertionError(f"no process serves {address}")


def started(cwd: Path) -> tuple[KernelManager, object]:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def printed(client, code: str) -> str:
    lines = []

    def keep(message):
        if message["msg_type"] == "stream":
            lines.append(message["content"]["text"])

    reply = client.execute_interactive(code, timeout=60, output_hook=keep)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(lines).strip()


def gone(pid: int, within: float = 10.0) -> bool:
    """The process has ended (and been reaped) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ")[1].startswith("Z"):
                    return True  # ended, its parent not yet reaping
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_kernel_is_a_fork_with_the_launchers_environment_and_folder(server, tmp_path, monkeypatch):
    monkeypatch.setenv("VALOR_PROBE", "from the launcher")
    manager, client = started(tmp_path)
    try:
        modules, parent, pid, cwd, probe = printed(client, PROBE).split("|")
        # the heavy packages come with the fork; nothing of valor, whose imports are recorded
        assert modules == "pandas,scipy.stats"
        assert int(parent) == server
        assert (Path(cwd), probe) == (tmp_path, "from the launcher")
        # the preloaded process forks from one thread only (no thread holds a lock at fork)
        assert len(os.listdir(f"/proc/{server}/task")) == 1
        # the preloaded objects are frozen: a kernel's full collections skip them
        assert int(printed(client, "import gc; print(gc.get_freeze_count())")) > 10_000
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    assert gone(int(pid))


def test_a_kernel_talks_over_unix_sockets_and_leaves_none_behind(server, tmp_path):
    """No TCP ports chosen by one process and bound by another (booktools/kernel_ipc.py)."""
    manager, client = started(tmp_path)
    try:
        info = manager.get_connection_info()
        assert info["transport"] == "ipc", info
        names = [f"{info['ip']}-{info[f'{channel}_port']}" for channel in CHANNELS]
        assert len(set(names)) == len(CHANNELS)
        assert all(stat.S_ISSOCK(os.stat(name).st_mode) for name in names), names
        assert json.loads(Path(manager.connection_file).read_text())["transport"] == "ipc"
        assert printed(client, "print(6 * 7)") == "42"
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    assert not [name for name in names if os.path.exists(name)]
    assert not os.path.exists(manager.connection_file)


def test_a_socket_path_too_long_for_linux_goes_to_the_temporary_folder():
    short = "/tmp/kernel-1.json"
    assert kernel_ipc.socket_prefix(short) == "/tmp/kernel-1-ipc"
    deep = "/" + "d" * 120 + "/kernel-1.json"
    moved = {kernel_ipc.socket_prefix(deep) for _ in range(2)}
    assert len(moved) == 2, "each kernel a name of its own"
    for prefix in moved:
        assert prefix.startswith(tempfile.gettempdir() + "/valor-kernel-")
        assert len(f"{prefix}-99") <= 107  # sockaddr_un.sun_path, its NUL left out


def test_an_interrupt_reaches_the_kernel_and_a_shutdown_ends_it(server, tmp_path):
    manager, client = started(tmp_path)
    pid = int(printed(client, PROBE).split("|")[2])
    client.execute("import time; time.sleep(60)")
    time.sleep(0.5)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=20)
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    # the kernel lives on (ipykernel aborts requests that arrive just after an error: ask again)
    deadline = time.monotonic() + 20
    while (reply := client.execute_interactive("print(6 * 7)", timeout=60))["content"]["status"] == "aborted":
        assert time.monotonic() < deadline, "every request after the interrupt was aborted"
        time.sleep(0.2)
    assert reply["content"]["status"] == "ok", reply["content"]
    client.stop_channels()
    manager.shutdown_kernel()
    assert not manager.is_alive()
    assert gone(pid)


def test_a_killed_launcher_takes_its_kernel_with_it(server, tmp_path):
    manager, client = started(tmp_path)
    pid = int(printed(client, PROBE).split("|")[2])
    client.stop_channels()
    manager.shutdown_kernel(now=True)  # SIGKILL to the launcher: it cannot pass that on
    assert gone(pid)


def test_without_the_preloaded_process_a_kernel_starts_as_usual(tmp_path):
    env = {
        "PYTHONPATH": str(ROOT),
        "JUPYTER_PATH": str(kernel_fork.kernelspec_dir(tmp_path)),
        kernel_fork.SOCKET_ENV: "@valor-kernels-nobody-listens",
    }
    with mock.patch.dict(os.environ, env):
        manager, client = started(tmp_path)
        try:
            modules, parent, *_ = printed(client, PROBE).split("|")
            # the launcher became an ordinary kernel: jupyter_client's own child, nothing preloaded
            assert modules == "" and int(parent) == os.getpid()
        finally:
            client.stop_channels()
            manager.shutdown_kernel()
    assert kernel_fork.forked(tmp_path) is None


def test_the_preloaded_process_counts_its_kernels_and_ends_with_the_build_that_started_it(tmp_path):
    # a "build" that starts it, has one kernel forked, and dies without stopping it
    script = f"""
import os
from pathlib import Path
from jupyter_client.manager import KernelManager
from booktools import kernel_fork
with kernel_fork.serving(Path({str(tmp_path)!r}), dict(os.environ)) as kernels:
    os.environ.update(kernels)
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.client(); client.start_channels(); client.wait_for_ready(timeout=60)
    reply = client.execute_interactive("import os; print(os.getppid())", timeout=60, output_hook=print)
    client.stop_channels(); manager.shutdown_kernel()
    os._exit(0)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    server = int(re.search(r"'text': '(\d+)\\n'", result.stdout).group(1))
    assert gone(server), "the orphaned preloaded process ends by itself"
    assert kernel_fork.forked(tmp_path) == 1


def test_a_terminated_launcher_ends_as_its_kernel_does(server, tmp_path):
    manager, client = started(tmp_path)
    pid = int(printed(client, PROBE).split("|")[2])
    client.stop_channels()
    launcher = manager.provisioner.process
    launcher.send_signal(signal.SIGTERM)  # what jupyter_client's terminate sends
    assert launcher.wait(timeout=20) == -signal.SIGTERM
    assert gone(pid)
    manager.cleanup_resources()


def test_a_launcher_closed_earlier_in_the_same_round_is_passed_over():
    # the kernel ended and its launcher was told and closed (reap), while the launcher's own
    # message was in the same round of events: reading it raised EBADF and ended the process
    import selectors
    import socket

    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    selector = selectors.DefaultSelector()
    selector.register(mine, selectors.EVENT_READ)
    theirs.send(b"signal 15")
    selector.unregister(mine)
    mine.close()
    kernel_fork.pass_on(mine, {}, selector)  # no OSError
    # a launcher that is still there has its signal passed on to its kernel
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    selector.register(mine, selectors.EVENT_READ)
    theirs.send(f"signal {int(signal.SIGTERM)}".encode())
    kernel_fork.pass_on(mine, {mine: sleeper.pid}, selector)
    assert sleeper.wait(timeout=20) == -signal.SIGTERM


def test_a_launcher_whose_preloaded_process_hangs_up_starts_an_ordinary_kernel(tmp_path):
    import socket
    import threading

    address = f"@valor-test-{os.getpid()}-hangup"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(kernel_fork.socket_address(address))
    listener.listen(1)

    def hang_up():  # accept, and close without reading: the launcher's reads are reset
        connection, _ = listener.accept()
        connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    env = {**os.environ, kernel_fork.SOCKET_ENV: address, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "booktools.kernel_fork", "--version"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    listener.close()
    ordinary = subprocess.run(
        [sys.executable, "-m", "ipykernel_launcher", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == ordinary.stdout and ordinary.stdout.strip()


def test_the_preloaded_process_listens_before_any_kernel_is_asked_for(tmp_path):
    # a kernel asked for before the process listened started as an ordinary one (a build's
    # first kernels, or this module's, under load); its readiness probe is passed over (the
    # kernels of the tests above fork from a process that was probed so)
    import socket

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with kernel_fork.serving(tmp_path, env) as variables:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as launcher:
            launcher.connect(kernel_fork.socket_address(variables[kernel_fork.SOCKET_ENV]))
