"""Channels (chan.go: chansend, chanrecv, closechan) on the workload's ``Chan`` objects.

Direct hand-off to a waiting receiver (or from a waiting sender), a buffered ring, FIFO wait
queues; the woken G is made ready with goready (the readier's runnext).  Each function
returns True if the op completed (the result is in ``gp.param``) or False if ``gp`` must park
(``gp.waitreason`` set; the caller parks it).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from goschedlab.runtime.errors import GoFatal
from goschedlab.runtime.g import G, waitReasonChanReceive, waitReasonChanSend
from goschedlab.runtime.proc import goready, pullCacheLines

if TYPE_CHECKING:
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime
    from goschedlab.workloads.ops import Chan


def _panic(msg: str, gp: G) -> GoFatal:
    return GoFatal([f"panic: {msg}", "", f"goroutine {gp.goid} [running]:"])


def _chanlines(rt: Runtime, mp: M, c: Chan) -> None:
    """The hchan's lock word and fields were last written by another P's core: lock(&c.lock)
    and the field accesses pull 2 cache lines over (costs.cacheline_transfer_ns each)."""
    c.lastp = pullCacheLines(rt, mp, c.lastp)


def chansend(rt: Runtime, mp: M, gp: G, c: Chan, ep: Any) -> bool:
    """Models chan.go: chansend (blocking); a channel last used on another P first pays
    the transfer of its cache lines (:func:`_chanlines`)."""
    mp.debt += rt.costs.chanop_ns
    if c.lastp is not mp.p:
        _chanlines(rt, mp, c)
    if c.closed:
        raise _panic("send on closed channel", gp)
    rq = c.recvq
    if rq:
        # send: hand the value straight to the first waiting receiver.
        sg: G = rq.popleft()
        sg.param = (ep, True)
        goready(rt, mp, sg)
        return True
    if c.cap > 0:
        buf = c.buf
        if buf is None:
            buf = c.buf = deque()
        if len(buf) < c.cap:
            buf.append(ep)
            return True
    if c.sendq is None:
        c.sendq = deque()
    c.sendq.append(gp)
    gp.retry_op = None
    gp.param = ("__elem__", ep)
    gp.waitreason = waitReasonChanSend
    return False


def chanrecv(rt: Runtime, mp: M, gp: G, c: Chan) -> bool:
    """Models chan.go: chanrecv (blocking); the result ``(v, ok)`` is left in ``gp.param``
    (cache-line transfer as in chansend)."""
    mp.debt += rt.costs.chanop_ns
    if c.lastp is not mp.p:
        _chanlines(rt, mp, c)
    buf = c.buf
    if c.closed and not buf:
        gp.param = (None, False)
        return True
    sq = c.sendq
    if sq:
        # recv: take from a waiting sender (unbuffered) or from the full buffer's head,
        # refilling the tail with the sender's value.
        sg: G = sq.popleft()
        ep = sg.param[1]
        if c.cap == 0:
            v = ep
        else:
            v = buf.popleft()
            buf.append(ep)
        sg.param = None
        goready(rt, mp, sg)
        gp.param = (v, True)
        return True
    if buf:
        gp.param = (buf.popleft(), True)
        return True
    if c.recvq is None:
        c.recvq = deque()
    c.recvq.append(gp)
    gp.param = None
    gp.waitreason = waitReasonChanReceive
    return False


def closechan(rt: Runtime, mp: M, gp: G, c: Chan) -> None:
    """Models chan.go: closechan - release all readers (zero value, ok=false); waiting
    senders would panic.  Gs are readied in Go's order (a glist stack: last released first)."""
    mp.debt += rt.costs.chanop_ns
    if c.closed:
        raise _panic("close of closed channel", gp)
    c.closed = True
    glist: list[G] = []
    rq = c.recvq
    while rq:
        sg = rq.popleft()
        sg.param = (None, False)
        glist.append(sg)
    if c.sendq:
        raise _panic("send on closed channel", c.sendq[0])
    for sg in reversed(glist):
        goready(rt, mp, sg)
