"""A throwaway OpenSSH server for one test, set up the way the README tells an administrator to.

It listens on 127.0.0.1 at a free port, with its own host key, configuration and pid file, and
asks ``tokens ssh authorized-keys %t %k`` (through a wrapper script) which keys it may accept.
sshd refuses an ``AuthorizedKeysCommand`` in a folder that anyone else may write to (the system's
temporary folder is one), so everything lives in a private folder under ``~/.cache``.
It is stopped by its own process id; a system sshd is never touched.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
DEADLINE = 20.0


def tokens_program() -> str:
    program = Path(sys.executable).with_name("tokens")
    assert program.exists(), f"the 'tokens' program is not installed next to {sys.executable}"
    return str(program)


def sshd_available() -> str | None:
    """Why the SSH tests cannot run here, or None when they can."""
    if not (os.path.exists(SSHD) and os.access(SSHD, os.X_OK)):
        return "OpenSSH's server is not installed (.ci/run installs openssh-server)"
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        return "OpenSSH's client is not installed"
    if os.geteuid() != 0:
        return "the throwaway sshd needs root (AuthorizedKeysCommandUser root); CI runs as root"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def private_folder() -> Path:
    """A 0700 folder whose parents nobody else may write to (sshd checks every one of them)."""
    base = Path.home() / ".cache"
    base.mkdir(mode=0o700, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="tokens-ssh-test-", dir=base))


def keygen(path: Path, comment: str) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                   check=True, timeout=DEADLINE)
    return path.with_suffix(".pub").read_text()


class Sshd:
    def __init__(self, folder: Path, database: Path, *, extra_keys: str = "") -> None:
        """``extra_keys``: authorized_keys lines served besides the store's (a benchmark's yardstick)."""
        self.folder = folder
        self.extra_keys = extra_keys
        self.database = database
        self.port = _free_port()
        self.user = os.environ.get("USER") or "root"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "sshd.log"

    def start(self) -> None:
        folder = self.folder
        host_key = folder / "host_ed25519"
        keygen(host_key, "throwaway-host-key")
        (folder / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {host_key.with_suffix('.pub').read_text()}")
        bin_dir = folder / "bin"
        bin_dir.mkdir(mode=0o755)
        wrapper = bin_dir / "tokens-authorized-keys"
        lookup = f"{shlex.quote(tokens_program())} --db {shlex.quote(str(self.database))} ssh authorized-keys \"$@\""
        if self.extra_keys:
            (folder / "extra_keys").write_text(self.extra_keys)
            script = f"#!/bin/sh\n{lookup}\ncat {shlex.quote(str(folder / 'extra_keys'))}\n"
        else:
            script = f"#!/bin/sh\nexec {lookup}\n"
        wrapper.write_text(script)
        wrapper.chmod(0o755)
        config = folder / "sshd_config"
        config.write_text(
            f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {folder / 'sshd.pid'}
AuthorizedKeysFile none
AuthorizedKeysCommand {wrapper} %t %k
AuthorizedKeysCommandUser root
AllowUsers {self.user}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
"""
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
        checked = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True, timeout=DEADLINE)
        assert checked.returncode == 0, f"sshd refused its configuration: {checked.stderr}"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"sshd stopped: {self.log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise AssertionError(f"sshd did not listen within {DEADLINE} s: {self.log.read_text()}")

    def ssh_command(self, key: Path, *args: str, tty: bool | None = None) -> list[str]:
        """The real client, with nothing of the user's own configuration, agent or known hosts."""
        command = [
            "ssh", "-F", "/dev/null", "-p", str(self.port), "-i", str(key),
            "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
            "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}", "-o", "StrictHostKeyChecking=yes",
            "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=15",
        ]
        if tty is True:
            command.append("-tt")
        elif tty is False:
            command.append("-T")
        return [*command, f"{self.user}@127.0.0.1", *args]

    def ssh(self, key: Path, *args: str, stdin: str = "", tty: bool | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.ssh_command(key, *args, tty=tty), input=stdin, capture_output=True, text=True,
                              timeout=60)

    def leftovers(self) -> list[str]:
        """Processes this server's connections left behind: its children, and anything running
        on this test's database (the listening sshd itself aside)."""
        assert self.process is not None
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == self.process.pid or str(self.database) in command:
                found.append(f"{entry.name}: {command.strip()}")
        return found

    def wait_no_leftovers(self, timeout: float = DEADLINE) -> None:
        deadline = time.monotonic() + timeout
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.leftovers(), f"processes left behind: {self.leftovers()}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # by its own pid: never a system sshd
            try:
                self.process.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
