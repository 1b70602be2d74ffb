"""Start a build's kernels by forking a process that has already imported the heavy packages.

Every notebook gets a fresh kernel, and before running its first cell each kernel used to
spend about 1.5 s starting ipykernel and importing pandas, matplotlib and scipy. When a
build is about to read pages (``_ext/valor_kernels.py``), it starts one *preloaded*
process (:func:`serving`) that imports those once
(:data:`PRELOAD`, never a module of ``valor``, so that what each kernel imports is still
recorded) and then forks one child per kernel. A fork shares the imported modules, so a
kernel is ready in about 0.1 s.

How a kernel starts (all public APIs: a kernelspec, Unix sockets, ``os.fork``):

1. jupyter_client runs this build's ``python3`` kernelspec (:func:`kernelspec_dir`, found
   first through ``$JUPYTER_PATH``): ``python -m booktools.kernel_fork -f CONNECTION``, a
   small *launcher* that imports nothing heavy;
2. the launcher sends the preloaded process its arguments, environment, working folder
   and standard streams (file descriptors over the socket, ``SCM_RIGHTS``);
3. the preloaded process forks; the child takes on that environment, folder and streams
   and runs ipykernel exactly as ``python -m ipykernel_launcher`` does;
4. the launcher stands in for the kernel towards jupyter_client: the signals it gets
   (interrupt, terminate) go to the kernel, and it exits with the kernel's exit code.
   Killed, its socket closes and the preloaded process kills the kernel; if the
   preloaded process dies, ipykernel's parent poller ends the kernel.

Without ``$VALOR_KERNEL_FORK``, or when the preloaded process cannot be reached, the
launcher becomes an ordinary ``ipykernel_launcher``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

SOCKET_ENV = "VALOR_KERNEL_FORK"

# What every chapter's kernel imports (directly or through valor) and costs most to import
# cold: ipykernel itself 0.5 s, scipy.stats 0.6 s, matplotlib.pyplot 0.4 s, pandas 0.2 s.
# Nothing of valor: the kernels must import it themselves, to be recorded (kernel_trace).
PRELOAD = ("ipykernel.kernelapp", "numpy", "pandas", "matplotlib.pyplot", "scipy.stats")

# jupyter_client's signals to a kernel (interrupt, terminate, ...) that the launcher passes on.
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
MESSAGE_MAX = 1 << 20
# The kernels' provisioner (booktools.kernel_ipc, by its entry point in pyproject.toml;
# not imported here: the launcher imports nothing heavy).
PROVISIONER = "valor-ipc-provisioner"


def kernelspec_dir(work: Path) -> Path:
    """A Jupyter data folder whose ``python3`` kernel starts through the preloaded process
    (the folder goes first on ``$JUPYTER_PATH``)."""
    folder = work / "jupyter"
    spec = {
        "argv": [sys.executable, "-m", "booktools.kernel_fork", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "interrupt_mode": "signal",
        # kernels over Unix sockets, not TCP ports that another process may take first
        "metadata": {"debugger": True, "kernel_provisioner": {"provisioner_name": PROVISIONER}},
    }
    path = folder / "kernels" / "python3" / "kernel.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return folder


@contextlib.contextmanager
def serving(folder: Path, env: dict[str, str]):
    """A preloaded process, started under ``env``, for the duration of the block; yields
    the variables that make kernels started under ``env`` plus these fork from it.
    ``folder`` holds the kernelspec and the count of kernels forked."""
    address = f"@valor-kernels-{os.getpid()}-{os.urandom(4).hex()}"  # abstract: no file to clean up
    tally = tally_file(folder)
    tally.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "booktools.kernel_fork", "serve", address, str(tally)],
        env={k: v for k, v in env.items() if k != SOCKET_ENV},
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(address, server)
        jupyter_path = os.pathsep.join([str(kernelspec_dir(folder)), env.get("JUPYTER_PATH", "")])
        yield {SOCKET_ENV: address, "JUPYTER_PATH": jupyter_path.rstrip(os.pathsep)}
    finally:
        server.terminate()
        server.wait()


def wait_until_listening(address: str, server: subprocess.Popen, within: float = 60.0) -> bool:
    """Whether the process started to serve ``address`` listens (it then queues launchers
    while it imports); a kernel asked for before that started as an ordinary one."""
    deadline = time.monotonic() + within
    while server.poll() is None and time.monotonic() < deadline:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as probe:
            with contextlib.suppress(OSError):
                probe.connect(socket_address(address))
                return True  # closed unsent: the process passes over an empty request
        time.sleep(0.01)
    return False


def tally_file(folder: Path) -> Path:
    """Where the preloaded process writes, as it ends, how many kernels it forked."""
    return folder / "kernels-forked.txt"


def forked(folder: Path) -> int | None:
    """How many kernels the last preloaded process in ``folder`` forked (None: none ran)."""
    tally = tally_file(folder)
    return int(tally.read_text()) if tally.exists() else None


def socket_address(address: str) -> str:
    """``@name`` (printable, for the environment) as Linux's abstract socket name."""
    return "\0" + address[1:] if address.startswith("@") else address


# --------------------------------------------------------------------------- the preloaded process


def serve(address: str, tally: str) -> dict:
    """Preload, then fork a kernel for each launcher that connects, until terminated or
    orphaned. Returns only in a forked child, with its launcher's request."""
    import importlib
    import selectors

    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(socket_address(address))
    listener.listen(64)  # launchers may connect while the imports below run: they wait
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    # The preloaded modules' 150,000 objects live as long as a kernel: frozen, no kernel's
    # full collection walks them (about 0.15 s each; 0.6 s of a full build's kernels).
    gc.freeze()

    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD wakes select()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wakeup_read, selectors.EVENT_READ)
    kernels: dict[socket.socket, int] = {}  # each launcher's connection, and its kernel's pid
    server = os.getpid()
    count = 0
    try:
        while os.getppid() == parent:  # the build that started it has not died
            for key, _ in selector.select(timeout=1.0):
                if key.fileobj is listener:
                    launcher, _ = listener.accept()
                    payload, fds, _, _ = socket.recv_fds(launcher, MESSAGE_MAX, 3)
                    if not payload:  # a probe (wait_until_listening), or a launcher gone already
                        launcher.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        selector.close()
                        for held in [listener, launcher, *kernels]:
                            held.close()
                        os.close(wakeup_read)
                        os.close(wakeup_write)
                        return child_setup(json.loads(payload), fds)
                    for fd in fds:
                        os.close(fd)
                    launcher.send(str(pid).encode())
                    kernels[launcher] = pid
                    count += 1
                    selector.register(launcher, selectors.EVENT_READ)
                elif key.fileobj is wakeup_read:
                    os.read(wakeup_read, 4096)
                    reap(kernels, selector)
                else:
                    pass_on(key.fileobj, kernels, selector)
        return {}
    finally:
        if os.getpid() == server:
            for pid in kernels.values():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            Path(tally).write_text(f"{count}\n")


def pass_on(launcher: socket.socket, kernels: dict, selector) -> None:
    """The launcher passes a signal on to its kernel; or it is gone, and so goes its kernel.

    A launcher whose kernel was reaped earlier in the same round of events is closed
    already: reading it failed (EBADF) and ended the preloaded process, and with it every
    kernel still to start in that build ("Kernel died before replying to kernel_info")."""
    if launcher not in kernels:
        return
    try:
        message = launcher.recv(64)
    except OSError:
        message = b""
    with contextlib.suppress(ProcessLookupError):
        os.kill(kernels[launcher], int(message.split()[1]) if message else signal.SIGKILL)
    if not message:
        selector.unregister(launcher)


def reap(kernels: dict, selector) -> None:
    """Tell each ended kernel's launcher its exit code."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for launcher, kernel in list(kernels.items()):
            if kernel == pid:
                with contextlib.suppress(OSError):
                    launcher.send(str(os.waitstatus_to_exitcode(status)).encode())
                with contextlib.suppress(KeyError):  # unregistered if the launcher left first
                    selector.unregister(launcher)
                launcher.close()
                del kernels[launcher]


def child_setup(request: dict, fds: list[int]) -> dict:
    """In the forked child: the launcher's streams, environment and folder; no server state."""
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    os.setsid()  # as jupyter_client starts kernels: a terminal's Ctrl-C is not for them
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    return request


def run_kernel(request: dict) -> None:
    """ipykernel, as ``python -m ipykernel_launcher ARGV`` runs it; its parent poller ends
    the kernel if the preloaded process (its parent) dies."""
    from ipykernel import kernelapp

    sys.argv = [kernelapp.__file__, *request["argv"]]
    kernelapp.launch_new_instance(argv=[*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])


# --------------------------------------------------------------------------- the launcher


def launch(argv: list[str]) -> int:
    """Have the preloaded process fork a kernel; stand in for it until it ends."""
    launcher = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        launcher.connect(socket_address(os.environ[SOCKET_ENV]))
    except (KeyError, OSError):
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
    try:
        socket.send_fds(launcher, [json.dumps(request).encode()], [open_stream(fd) for fd in (0, 1, 2)])
        forked = launcher.recv(64)  # its pid; the wait is for the preloaded process's imports
    except OSError:  # the preloaded process ended while this launcher connected
        forked = b""
    if not forked:
        launcher.close()  # it could not fork: an ordinary kernel then
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    for number in FORWARDED:
        signal.signal(number, lambda number, _: launcher.send(f"signal {number}".encode()))
    code = int(launcher.recv(64) or 1)
    if code < 0:  # the kernel ended by a signal: so does its stand-in
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


def open_stream(fd: int) -> int:
    """``fd`` if open, else the null device (a launcher may run without a stdin)."""
    try:
        os.fstat(fd)
        return fd
    except OSError:
        return os.open(os.devnull, os.O_RDWR)


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        request = serve(argv[1], argv[2])
        if request:  # in a forked child
            run_kernel(request)
        return 0
    return launch(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
