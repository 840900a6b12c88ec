"""One window per library: a second ``papershelf`` on the same file brings the first forward.

The first instance holds a :class:`QLockFile` and listens on a :class:`QLocalServer`, both
named after a hash of the library's resolved path (and the user). A second instance finds
the server, sends ``activate`` and exits; if the lock is held but nobody answers (the first
window is still starting, or hung), it says so instead of opening the library twice.
"""

from __future__ import annotations

import getpass
import hashlib
import tempfile
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

MESSAGE = b"activate\n"


def _key(library_path: Path) -> str:
    try:
        resolved = str(Path(library_path).expanduser().resolve())
    except OSError:
        resolved = str(Path(library_path).absolute())
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in containers
        user = "user"
    digest = hashlib.sha256(f"{user}\0{resolved}".encode()).hexdigest()[:20]
    return f"papershelf-{digest}"


class InstanceGuard(QObject):
    """Claims a library for this process; :attr:`activation_requested` when another tries."""

    activation_requested = Signal()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = _key(library_path)
        self._lock = QLockFile(str(Path(tempfile.gettempdir()) / f"{self.name}.lock"))
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process now owns the library; False when another instance does.

        When False, the other instance has been asked to come forward if it could be reached
        (see :attr:`forwarded`).
        """
        self.forwarded = False
        if not self._lock.tryLock(100):
            self.forwarded = self._notify_running()
            return False
        QLocalServer.removeServer(self.name)  # a crashed owner's socket file
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._connection)
        if not server.listen(self.name):
            # The lock is ours, so no live instance owns the name; work without activation.
            server.deleteLater()
            return True
        self._server = server
        return True

    def release(self) -> None:
        """Give the library up (on quit)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    def _notify_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(1000):
            socket.abort()
            return False
        socket.write(MESSAGE)
        socket.flush()
        delivered = socket.bytesToWrite() == 0 or socket.waitForBytesWritten(1000)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(1000)
        return delivered

    def _connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            # The message is a few bytes written right after connecting: read it now
            # rather than keeping the socket (and callbacks on it) alive.
            arrived = socket.bytesAvailable() > 0 or socket.waitForReadyRead(500)
            if arrived and MESSAGE.strip() in bytes(socket.readAll().data()):
                self.activation_requested.emit()
            socket.abort()
            socket.deleteLater()
