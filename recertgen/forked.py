"""Work in a forked child, its result sent back pickled through a pipe.

A large ledger's record checks and its exports each take a second or more
that the other core can spend: the child inherits everything already in
memory, runs one function and is gone without clean-up. Nothing depends on
the fork: when no pipe or process can be had, or the child fails, `start`
or `result` says so and the caller does the work itself.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Callable

FAILED = object()  # what `result` returns when the child did not deliver


class Forked:
    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self.pipe = pid, pipe

    @classmethod
    def start(cls, work: Callable[[], object]) -> "Forked | None":
        """`work()` in a child; None when no child can be had."""
        if not hasattr(os, "fork"):
            return None
        try:
            read, write = os.pipe()
        except OSError:  # out of file descriptors
            return None
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the child: the work, its result, then gone
            os.close(read)
            status = 1
            try:
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return cls(pid, read)

    def result(self):
        """What `work()` returned, or FAILED; waits for the child."""
        reader = os.fdopen(self.pipe, "rb")
        try:
            payload = reader.read()
        finally:
            reader.close()  # before waiting: a child still writing then stops
            _, status = os.waitpid(self.pid, 0)
        if status != 0:
            return FAILED
        try:
            return pickle.loads(payload)
        except Exception:
            return FAILED

    def stop(self) -> None:
        """Its result is not wanted (the caller failed elsewhere)."""
        os.close(self.pipe)
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
