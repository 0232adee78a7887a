"""The app and its terminal: start only on a real one, end as soon as it goes away.

Over SSH every connection is its own process, and nobody is left to stop one whose client has
gone. Textual's Linux driver reads input in a loop that, once the terminal is gone, either spins
on an empty read (end of input: 20–50 % CPU for ever) or dies on the error and leaves the app
blocked writing to a dead terminal. Here:

- the input loop treats end of input and a failed read as "the terminal is gone";
- the output thread treats a failed write the same way, and from then on throws output away, so
  nothing ever waits on a terminal that cannot be written to;
- ``SIGHUP`` (the terminal hung up) and ``SIGTERM`` end the app the normal way.

Each of these asks the app to exit; the store's work in progress finishes or rolls back as one
transaction, never half-written. A secret on screen at that moment is simply gone: its token stays
active and is listed as never used, so its owner can spot and revoke it.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
import sys
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App

#: The exit code of an app whose terminal went away (128 + SIGHUP, as a shell reports a hang-up).
EXIT_HANGUP = 128 + signal.SIGHUP
#: The exit code when the app is asked for without a terminal (the command line's "cannot be used so").
EXIT_NO_TERMINAL = 64

NO_TERMINAL = (
    "the tokens app needs a terminal (standard input and output must be one). "
    "Over SSH connect with 'ssh -t'; scripts use the commands instead, see 'tokens --help'."
)


def has_terminal() -> bool:
    """Whether standard input and output (and the error stream the app draws on) are terminals."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            if stream is None or not os.isatty(stream.fileno()):
                return False
        except (ValueError, OSError, AttributeError):
            return False
    return True


class _TerminalOutput:
    """The stream the app draws on, which stops writing (and says so, once) when a write fails.

    Textual's output thread would otherwise die on the error, and the app would then block for
    ever on its full queue.
    """

    def __init__(self, file: IO[str], on_gone: Callable[[], None]) -> None:
        self._file = file
        self._on_gone = on_gone
        self.gone = False

    def _failed(self) -> None:
        if not self.gone:
            self.gone = True
            self._on_gone()

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except (OSError, ValueError):
                self._failed()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._failed()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True


class HangupAwareDriver(LinuxDriver):
    """Textual's Linux driver, ending the app when its terminal goes away."""

    def __init__(self, app: App, **kwargs: object) -> None:
        super().__init__(app, **kwargs)  # type: ignore[arg-type]
        self._file = _TerminalOutput(self._file, self.terminal_gone_from_thread)  # type: ignore[assignment]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gone = False

    def start_application_mode(self) -> None:
        self._loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            self._loop.add_signal_handler(signum, self.terminal_gone)
        super().start_application_mode()

    def stop_application_mode(self) -> None:
        if self._loop is not None:
            for signum in (signal.SIGHUP, signal.SIGTERM):
                try:
                    self._loop.remove_signal_handler(signum)
                except (RuntimeError, ValueError):
                    pass
        super().stop_application_mode()

    def terminal_gone(self) -> None:
        """End the app (on the event loop's thread): the person at the terminal is no longer there."""
        if self._gone:
            return
        self._gone = True
        self._app.exit(return_code=EXIT_HANGUP)

    def terminal_gone_from_thread(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self.terminal_gone)
            except RuntimeError:
                pass  # the loop has already stopped: the app is ending anyway

    def run_input_thread(self) -> None:
        """Textual's input loop, except that end of input or a failed read ends the app instead of
        spinning on a terminal that is gone."""
        from textual._xterm_parser import XTermParser

        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                if selector.select(0.1):
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:
                        data = b""  # EIO: the other end of the pseudo-terminal has closed
                    if not data:
                        self.terminal_gone_from_thread()
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()


def run_app(app: App[object]) -> int:
    """Run a full-screen app on this process's terminal; refuse (exit 64) without one.

    Returns the process exit code: the app's, or :data:`EXIT_HANGUP` when the terminal went away.
    """
    if not has_terminal():
        print(f"tokens: {NO_TERMINAL}", file=sys.stderr)
        return EXIT_NO_TERMINAL
    app.driver_class = HangupAwareDriver
    app.run()
    return app.return_code or 0
