"""The workload model's operations: what a simulated goroutine can do.

A goroutine body is a Python generator function.  Every ``yield <op>`` hands one operation to
the runtime model (``goschedlab.runtime``), which performs it with Go's semantics and resumes
the generator with the operation's result (``send``).  Returning from the generator is
``goexit``.  Example (one fanout-cpu worker)::

    def worker(i, wg, rec):
        rec.start[i] = yield Now()
        yield Spin(200_000)
        rec.end[i] = yield Now()
        yield WgDone(wg)

Channels, WaitGroups and Mutexes are plain data objects created by the workload
(``Chan(cap)``, ``WaitGroup()``, ``Mutex()``); the runtime keeps their wait queues in them,
as Go keeps sudog queues in ``hchan``/semaphore roots.

Contract between ``workloads`` (producers of ops) and ``runtime`` (their interpreter); the
runtime documents, per op, the Go function it models.  All times are integer nanoseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

GoroutineBody = Generator["Op", Any, Any]
"""What a goroutine function returns when called: a generator of ops."""


class Op:
    """Base class of every operation."""

    __slots__ = ()


class Spin(Op):
    """Busy CPU loop on the monotonic clock, like the reference corpus' ``SpinNs(ns)``.

    Elapsed-time semantics: the loop ends ``ns`` after it started *in elapsed time*; time the
    goroutine spends descheduled (preemption, STW, CPU sharing) counts toward ``ns``, and a
    preempted spin ends as soon as the goroutine runs again past its deadline.
    """

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns


class Cpu(Op):
    """Exactly ``ns`` of CPU work (no deadline): descheduled time does not count."""

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns


class Now(Op):
    """Read the monotonic clock (``nanotime``); resumes with the virtual time in ns."""

    __slots__ = ()


class Go(Op):
    """``go fn(*args)`` (``newproc``): resumes with the new goroutine's goid."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Callable[..., GoroutineBody], *args: Any) -> None:
        self.fn = fn
        self.args = args


class Gosched(Op):
    """``runtime.Gosched()``: yield to the global run queue (``goschedImpl``)."""

    __slots__ = ()


class Sleep(Op):
    """``time.Sleep(ns)``: park on a timer of the current P (``timeSleep``/``resetForSleep``)."""

    __slots__ = ("ns",)

    def __init__(self, ns: int) -> None:
        self.ns = ns


class Syscall(Op):
    """A blocking system call lasting ``ns`` (``entersyscall`` ... ``exitsyscall``).

    ``block=True`` models ``entersyscallblock`` (the P is handed off at once).
    ``slack=True``: a timed sleep (nanosleep, clock_nanosleep) of ``ns``: the kernel adds the
    thread's timer slack and may expire it together with other sleepers' timers
    (``runtime.syscall.hrtimerSleep``), so it lasts ns + 0..timer_slack_ns + a wake-up.
    """

    __slots__ = ("ns", "block", "slack")

    def __init__(self, ns: int, block: bool = False, slack: bool = False) -> None:
        self.ns = ns
        self.block = block
        self.slack = slack


class Alloc(Op):
    """Allocate ``nbytes`` on the heap (drives the GC pacer); ``live`` bytes stay reachable."""

    __slots__ = ("nbytes", "live")

    def __init__(self, nbytes: int, live: int = 0) -> None:
        self.nbytes = nbytes
        self.live = live


class Chan:
    """A channel (``hchan``): capacity, buffer and FIFO queues of waiting goroutines.

    The runtime owns ``buf``, ``recvq``, ``sendq``, ``closed`` and ``lastp`` (the P whose M
    last operated on it: its cache lines live in that core's cache); workloads only create it.
    """

    __slots__ = ("cap", "buf", "recvq", "sendq", "closed", "id", "lastp")

    def __init__(self, cap: int = 0) -> None:
        if cap < 0:
            raise ValueError(f"makechan: size out of range ({cap})")
        self.cap = cap
        self.buf: Any = None  # deque, created lazily by the runtime
        self.recvq: Any = None
        self.sendq: Any = None
        self.closed = False
        self.id = 0
        self.lastp: Any = None


class Send(Op):
    """``ch <- v`` (``chansend``): direct hand-off to a waiting receiver, else buffer, else park."""

    __slots__ = ("ch", "v")

    def __init__(self, ch: Chan, v: Any = None) -> None:
        self.ch = ch
        self.v = v


class Recv(Op):
    """``v, ok := <-ch`` (``chanrecv``): resumes with the tuple ``(v, ok)``."""

    __slots__ = ("ch",)

    def __init__(self, ch: Chan) -> None:
        self.ch = ch


class Close(Op):
    """``close(ch)`` (``closechan``): wakes every waiting receiver (and panics senders)."""

    __slots__ = ("ch",)

    def __init__(self, ch: Chan) -> None:
        self.ch = ch


class WaitGroup:
    """``sync.WaitGroup``: a counter and the goroutines waiting for it to reach zero."""

    __slots__ = ("n", "waiters")

    def __init__(self, n: int = 0) -> None:
        self.n = n
        self.waiters: Any = None


class WgAdd(Op):
    """``wg.Add(delta)``."""

    __slots__ = ("wg", "delta")

    def __init__(self, wg: WaitGroup, delta: int) -> None:
        self.wg = wg
        self.delta = delta


class WgDone(Op):
    """``wg.Done()``: when the counter reaches zero every waiter is readied (``semrelease``)."""

    __slots__ = ("wg",)

    def __init__(self, wg: WaitGroup) -> None:
        self.wg = wg


class WgWait(Op):
    """``wg.Wait()``: park until the counter is zero (``semacquire``)."""

    __slots__ = ("wg",)

    def __init__(self, wg: WaitGroup) -> None:
        self.wg = wg


class Mutex:
    """``sync.Mutex`` with Go's normal and starvation modes (state kept by the runtime)."""

    __slots__ = ("locked", "waiters", "starving", "owner")

    def __init__(self) -> None:
        self.locked = False
        self.waiters: Any = None
        self.starving = False
        self.owner: Any = None


class Lock(Op):
    """``mu.Lock()``."""

    __slots__ = ("mu",)

    def __init__(self, mu: Mutex) -> None:
        self.mu = mu


class Unlock(Op):
    """``mu.Unlock()``."""

    __slots__ = ("mu",)

    def __init__(self, mu: Mutex) -> None:
        self.mu = mu


class GC(Op):
    """``runtime.GC()``: run a full forced GC cycle and block until it has marked."""

    __slots__ = ()

    def rt_exec(self, rt: Any, mp: Any, gp: Any) -> bool:
        """Executed by the runtime model (runtime.gc.gcForce)."""
        from goschedlab.runtime.gc import gcForce

        return gcForce(rt, mp, gp, self)


class SetMaxThreads(Op):
    """``debug.SetMaxThreads(n)``: resumes with the old limit; dies with Go's "thread
    exhaustion" at once if more than ``n`` threads exist (nothing shrinks)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def rt_exec(self, rt: Any, mp: Any, gp: Any) -> bool:
        """Executed by the runtime model (runtime.Runtime.setMaxThreads)."""
        gp.param = rt.setMaxThreads(self.n)
        return True


class Conn:
    """A network connection fed by an arrival process (``goschedlab.runtime.netpoll``).

    ``arrivals``: absolute virtual times (ns, ascending) at which one request becomes
    readable (Poisson or trace-driven; build them with a seeded generator).  ``close_at``:
    time after which, once every arrival was read, reads return EOF (None: never).
    The runtime owns ``pd`` (its pollDesc); workloads only create the connection.
    """

    __slots__ = ("arrivals", "close_at", "pd", "id")

    def __init__(self, arrivals: Any = (), close_at: int | None = None, id: int = 0) -> None:
        self.arrivals = list(arrivals)
        self.close_at = close_at
        self.pd: Any = None
        self.id = id

    def __repr__(self) -> str:
        return f"Conn({self.id})"


class NetRead(Op):
    """Read one request from ``conn`` (``Conn``): resumes with its arrival time, or None at
    EOF; parks ("IO wait") until the netpoller reports the connection ready."""

    __slots__ = ("conn",)

    def __init__(self, conn: Any) -> None:
        self.conn = conn
