"""The network poller with open arrivals (Go 1.23.1 netpoll.go, netpoll_epoll.go, proc.go).

What it models
    Connections (:class:`goschedlab.workloads.ops.Conn`) whose readiness comes from an
    arrival process: each arrival time (absolute virtual ns, from a seeded Poisson process
    or a trace) makes one request readable; ``close_at`` makes the connection return EOF.
    ``NetRead(conn)`` (models netpoll.go: poll_runtime_pollWait -> netpollblock) returns at
    once with the oldest pending arrival time if data is there, else parks the goroutine
    ("IO wait", ``rt.netpollWaiters`` + 1).  When data arrives for a parked goroutine the
    "kernel" marks it ready (epoll's ready list); it becomes runnable only when somebody
    polls, as in Go:

    * findRunnable step K: ``netpoll(0)`` when the P has no local or global work;
    * findRunnable step R: an M blocked in ``netpoll(delay)`` without a P (the arrival wakes
      it ``costs.netpoll_break_ns`` later: the kernel wakes epoll_wait), which is also how
      timers wake an idle M;
    * sysmon: ``netpoll(0)`` when nobody polled for 10 ms (sysmon.py);
    * startTheWorldWithSema: ``netpoll(0)`` before restarting (gc.py).

    Readied goroutines go through ``injectglist`` (proc.py).  Request latency is measured by
    the workload as completion - arrival (NetRead returns the arrival time).

Main objects
    :class:`Netpoller` (one per runtime, created on the first NetRead; installs itself as
    ``rt.netpoll_hook``), :func:`netread`.

Invariants
    * ``rt.netpollWaiters`` == number of goroutines parked in NetRead (checked by
      :meth:`Netpoller.check`); a connection has at most one waiter (Go: one reader per pollDesc
      read side; a second concurrent reader throws "netpollblock: double wait").

Rejected alternatives
    * Readying goroutines directly at the arrival time: Go only learns about readiness when it
      polls; the 10 ms sysmon poll and the busy-P case (no step K) are the behaviour to keep.
    * One engine event per arrival scheduled up front: each connection chains only its next
      arrival, so the event heap stays small with millions of arrivals.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any, Final

from goschedlab.runtime.errors import Throw
from goschedlab.runtime.m import M_NETPOLL

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime

EOF: Final = None
"""What NetRead returns on a closed connection."""


class _ConnState:
    """The runtime side of a connection (pollDesc): pending data, the waiter, chained event."""

    __slots__ = ("conn", "arrivals", "idx", "ready", "waiter", "inlist", "closed", "close_at")

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.arrivals = conn.arrivals
        self.idx = 0
        self.ready: deque[int] = deque()
        self.waiter: G | None = None
        self.inlist = False
        self.closed = False
        self.close_at = conn.close_at


class Netpoller:
    """The epoll instance of one runtime: registered connections and the ready list."""

    __slots__ = ("rt", "readylist", "nconns", "arrivals_delivered", "ev_arrive")

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.readylist: list[_ConnState] = []
        self.nconns = 0
        self.arrivals_delivered = 0
        self.ev_arrive = self._arrive
        rt.netpoll_hook = self.netpoll
        rt.netpollInited = True

    def open(self, conn: Any) -> _ConnState:
        """Models netpoll.go: poll_runtime_pollOpen - register ``conn``; data that arrived
        before now is pending at once; the next arrival is chained as one engine event."""
        st = _ConnState(conn)
        conn.pd = st
        self.nconns += 1
        now = self.rt.sim.now
        arr = st.arrivals
        while st.idx < len(arr) and arr[st.idx] <= now:
            st.ready.append(arr[st.idx])
            st.idx += 1
        self.arrivals_delivered += len(st.ready)
        if st.close_at is not None and st.close_at <= now and st.idx >= len(arr):
            st.closed = True
        self._chain(st)
        return st

    def _chain(self, st: _ConnState) -> None:
        arr = st.arrivals
        if st.idx < len(arr):
            self.rt.sim.at(max(arr[st.idx], self.rt.sim.now), self.ev_arrive, st)
        elif st.close_at is not None and not st.closed:
            self.rt.sim.at(max(st.close_at, self.rt.sim.now), self.ev_arrive, st)

    def _arrive(self, st: _ConnState) -> None:
        """The kernel: a request (or EOF) arrived on ``st``; wake a blocked netpoller."""
        arr = st.arrivals
        if st.idx < len(arr):
            st.ready.append(arr[st.idx])
            st.idx += 1
            self.arrivals_delivered += 1
        else:
            st.closed = True
        if st.waiter is not None and not st.inlist:
            st.inlist = True
            self.readylist.append(st)
            rt = self.rt
            mp = rt.netpoll_m
            if mp is not None and mp.state == M_NETPOLL:
                from goschedlab.runtime.proc import netpollBreak

                netpollBreak(rt)  # epoll_wait returns: the M runs netpoll_break_ns later
        self._chain(st)

    def netpoll(self, rt: Runtime, delay: int) -> list[G]:
        """Models netpoll_epoll.go: netpoll - the goroutines whose connection is ready
        (still _Gwaiting; the caller makes them runnable).  Each gets its read's result."""
        if not self.readylist:
            return []
        out: list[G] = []
        for st in self.readylist:
            st.inlist = False
            gp = st.waiter
            if gp is None:
                continue
            st.waiter = None
            rt.netpollWaiters -= 1
            gp.param = st.ready.popleft() if st.ready else EOF
            out.append(gp)
        self.readylist = []
        return out

    def check(self) -> None:
        """Invariant: netpollWaiters equals the goroutines parked in NetRead."""
        rt = self.rt
        n = sum(1 for gp in rt.allgs if gp.atomicstatus == 4 and gp.waitreason == 2)
        if n != rt.netpollWaiters:
            raise Throw("netpoll", f"netpollWaiters={rt.netpollWaiters} but {n} Gs in IO wait")


def netread(rt: Runtime, mp: M, gp: G, conn: Any) -> bool:
    """Models netpoll.go: poll_runtime_pollWait / netpollblock for a read.

    Returns True with ``gp.param`` = the arrival time (or None at EOF) when data is pending;
    False when the caller must park ``gp`` ("IO wait"): the netpoller readies it later.
    """
    np: Netpoller | None = rt.net
    if np is None:
        np = rt.net = Netpoller(rt)
    st = conn.pd
    if st is None:
        st = np.open(conn)
    mp.debt += rt.costs.netread_ns
    if st.ready:
        gp.param = st.ready.popleft()
        return True
    if st.closed:
        gp.param = EOF
        return True
    if st.waiter is not None:
        raise Throw("netpollblock", f"double wait on conn {conn!r}", rt.sim.now)
    st.waiter = gp
    rt.netpollWaiters += 1
    return False


__all__ = ["EOF", "Netpoller", "netread"]
