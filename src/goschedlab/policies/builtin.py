"""The write-up's scheduler changes as policies: ``locked-steal`` (its "before") and ``hotfix``
(its "after").  ``go1.23`` is :class:`goschedlab.policies.base.Policy` itself.

Both are costs laid over the same queue algorithm (Go's runqgrab moves the Gs in every
policy), so every policy is checked by the same model invariants.  All ns figures come from
``goschedlab.runtime.costs.Costs`` (``locked_instr_ns``, ``cacheline_transfer_ns``,
``numa_remote_ns``, ``steal_probe_ns``); none is stated here.

Time of an access: the engine runs one M step at a time and an M's work since its last time
advance is in ``m.debt``, so the M is "at" ``rt.sim.now + m.debt`` when it touches a queue.
"""

from __future__ import annotations

from typing import Any, ClassVar

from goschedlab.errors import UserInputError
from goschedlab.policies.base import Policy


def _now_of(rt: Any, pp: Any) -> int:
    """Virtual time at which the M holding ``pp`` performs its current step."""
    mp = pp.m
    return rt.sim.now + (mp.debt if mp is not None else 0)


def numa_nodes_of(rt: Any) -> list[int]:
    """NUMA node of each P: ``Config.numa_nodes`` (1 if the runtime has no such field) nodes,
    Ps split into equal consecutive blocks (P i on node i * nodes // gomaxprocs)."""
    nodes = int(getattr(rt.config, "numa_nodes", 1) or 1)
    n = rt.config.gomaxprocs
    return [i * nodes // n for i in range(n)]


def _unbound(policy: Policy) -> RuntimeError:
    return RuntimeError(
        f"policy {policy.name}: hook called on an unbound policy - Runtime.__init__ must use "
        "cfg.policy.bind(rt) (goschedlab.policies.base.Policy.bind)"
    )


class _Costed(Policy):
    """Shared per-run state: cost model, NUMA placement, line-transfer cost between Ps."""

    def new_run_state(self, rt: Any) -> None:
        c = rt.costs
        self.locked_ns = c.locked_instr_ns
        self.line_ns = c.cacheline_transfer_ns
        self.remote_ns = c.numa_remote_ns
        self.probe_ns = c.steal_probe_ns
        self.node = numa_nodes_of(rt)
        n = len(self.node)
        self.busy_until = [0] * n
        self.last_holder = list(range(n))
        self.steal_cost_ns = 0
        self.steal_cost_n = 0
        self.remote_steals = 0

    def bind(self, rt: Any) -> Policy:
        return self.bound_copy(rt)

    def transfer_ns(self, to_id: int, p_id: int) -> int:
        """Cost of pulling P ``p_id``'s lock/head line from its last holder to the core
        running P ``to_id`` (plus the remote-node extra when they are on different nodes)."""
        last = self.last_holder[p_id]
        if last == to_id:
            return 0
        return self.line_ns + (self.remote_ns if self.node[to_id] != self.node[last] else 0)


class LockedSteal(_Costed):
    """The write-up's "before": every P's run queue behind a spinlock (test-and-set).

    The owner's runqput/runqget and every thief take the victim's lock.  A taker arriving while
    the lock is held spins until it is free (``wait``); taking it is one locked instruction
    plus pulling the lock's line from its last holder (remote-node extra when across nodes);
    a thief holds it for the grab (``steal_probe_ns``).  Not what Go does: in the releases this
    project models (1.22.10, 1.23.1) the queue is lock-free (runqgrab: acquire loads + a CAS
    on runqhead).
    """

    name = "locked-steal"
    description = "write-up 'before': per-P run queue spinlock taken by owner and thieves"
    locks_runq = True
    params: ClassVar[dict[str, tuple[Any, str]]] = {
        "hold_ns": (0, "extra ns a thief holds the lock beyond the grab itself"),
    }

    def new_run_state(self, rt: Any) -> None:
        super().new_run_state(rt)
        self.acquires = 0
        self.contended = 0
        self.wait_ns = 0

    def _acquire(self, taker: int, p_id: int, t: int, hold: int) -> int:
        """Take P ``p_id``'s lock at time ``t`` for ``hold`` ns; return the taker's cost."""
        wait = self.busy_until[p_id] - t
        if wait > 0:
            self.contended += 1
            self.wait_ns += wait
        else:
            wait = 0
        cost = wait + self.locked_ns + self.transfer_ns(taker, p_id)
        self.busy_until[p_id] = t + cost + hold
        self.last_holder[p_id] = taker
        self.acquires += 1
        return cost

    def steal_extra_cost_ns(self, thief: Any, victim: Any, n: int) -> int:
        """Thief side of the write-up's locked steal: lock(victim.runq) around runqgrab."""
        if self.rt is None:
            raise _unbound(self)
        d = self._acquire(
            thief.id, victim.id, _now_of(self.rt, thief), self.probe_ns + self.values["hold_ns"]
        )
        self.steal_cost_n += 1
        self.steal_cost_ns += d + self.probe_ns
        if self.node[thief.id] != self.node[victim.id]:
            self.remote_steals += 1
        return d

    def runq_owner_cost_ns(self, pp: Any) -> int:
        """Owner side: lock(pp.runq) around runqput/runqget (held for one locked op)."""
        if self.rt is None:
            raise _unbound(self)
        return self._acquire(pp.id, pp.id, _now_of(self.rt, pp), self.locked_ns)

    def statistics(self) -> dict[str, int]:
        return {
            "policy_steal_ns": self.steal_cost_ns,
            "policy_steal_attempts": self.steal_cost_n,
            "policy_remote_steals": self.remote_steals,
            "lock_acquires": self.acquires,
            "lock_contended": self.contended,
            "lock_wait_ns": self.wait_ns,
        }


class Hotfix(_Costed):
    """The write-up's "after": XCHG-and-CAS stealing plus exponential back-off.

    Thief (write-up 2.2): LOCK XCHG of the victim's head with "empty" (one locked op plus the
    line transfer), then, having got work, LOCK CMPXCHG publishing the remainder.  Between
    the two the queue looks empty, so a second thief arriving in that window fails its
    exchange and retries until the first one publishes (counted in ``cas_retries``; the model
    charges it the wait).  The owner keeps Go's lock-free runqput/runqget.

    Back-off (write-up 2.3): after a failed steal round an M spins ``1 << min(nfails, cap)``
    ns, ``nfails`` counting consecutive failed rounds since the M started spinning; it parks
    instead when the delay exceeds ``park_ns``.  With cap=6 the delay is at most 64 ns, so
    the park branch can never run (``backoff_parks`` stays 0 - the report shows it).
    Exploring shows the XCHG breaks Go's owner index arithmetic (``explore hotfix-steal``);
    this policy models only its cost, not that bug.
    """

    name = "hotfix"
    description = (
        "write-up 'after': XCHG+CAS steal, back-off 1<<min(nfails,6) ns after failed steals"
    )
    params: ClassVar[dict[str, tuple[Any, str]]] = {
        "cap": (6, "back-off exponent cap: delay = 1 << min(nfails, cap) ns"),
        "park_ns": (1000, "park instead of spinning when the delay exceeds this"),
        "backoff": (True, "apply the findRunnable back-off"),
        "xchg_steal": (True, "apply the XCHG+CAS steal path costs"),
    }

    def configure(self) -> None:
        if not 0 <= self.values["cap"] <= 62:
            raise UserInputError(f"policy hotfix: cap must be in 0..62, got {self.values['cap']}")
        if self.values["park_ns"] < 0:
            raise UserInputError(
                f"policy hotfix: park_ns must be >= 0, got {self.values['park_ns']}"
            )

    def new_run_state(self, rt: Any) -> None:
        super().new_run_state(rt)
        self.cas_retries = 0
        self.nfails: dict[int, tuple[int, int]] = {}  # m.id -> (spinstart, failed rounds)
        self.backoff_rounds = 0
        self.backoff_ns = 0
        self.backoff_parks = 0
        self.max_delay_ns = 0

    def steal_extra_cost_ns(self, thief: Any, victim: Any, n: int) -> int:
        """The XCHG (extra to Go's CAS) and the wait for an in-flight exchange to publish."""
        if not self.values["xchg_steal"]:
            return 0
        if self.rt is None:
            raise _unbound(self)
        t = _now_of(self.rt, thief)
        v = victim.id
        wait = self.busy_until[v] - t
        if wait > 0:
            self.cas_retries += 1
        else:
            wait = 0
        d = wait + self.locked_ns + self.transfer_ns(thief.id, v)
        self.busy_until[v] = t + d + self.probe_ns
        self.last_holder[v] = thief.id
        self.steal_cost_n += 1
        self.steal_cost_ns += d + self.probe_ns
        if self.node[thief.id] != self.node[v]:
            self.remote_steals += 1
        return d

    def after_failed_steal(self, m: Any, nfails: int) -> int:
        """Back-off after a failed round (write-up 2.3; Go has none)."""
        if not self.values["backoff"]:
            return 0
        if self.rt is None:
            raise _unbound(self)
        start, k = self.nfails.get(m.id, (-1, 0))
        if start != m.spinstart:
            k = 0
        k += 1
        self.nfails[m.id] = (m.spinstart, k)
        delay = 1 << min(k, self.values["cap"])
        if delay > self.values["park_ns"]:
            self.backoff_parks += 1
            return -1
        self.backoff_rounds += 1
        self.backoff_ns += delay
        if delay > self.max_delay_ns:
            self.max_delay_ns = delay
        return delay

    def statistics(self) -> dict[str, int]:
        return {
            "policy_steal_ns": self.steal_cost_ns,
            "policy_steal_attempts": self.steal_cost_n,
            "policy_remote_steals": self.remote_steals,
            "cas_retries": self.cas_retries,
            "backoff_rounds": self.backoff_rounds,
            "backoff_ns": self.backoff_ns,
            "backoff_parks": self.backoff_parks,
            "backoff_max_delay_ns": self.max_delay_ns,
        }


class Go123(Policy):
    """``go1.23`` with per-run steal accounting (same decisions and costs as :class:`Policy`).

    Bound copies count steal attempts and their modelled cost (``steal_probe_ns`` each, plus
    the remote-node extra when NUMA placement is configured), so ``compare`` can report steal
    latency for every policy on the same footing.
    """

    def bind(self, rt: Any) -> Policy:
        return self.bound_copy(rt)

    def new_run_state(self, rt: Any) -> None:
        self.node = numa_nodes_of(rt)
        self.probe_ns = rt.costs.steal_probe_ns
        self.steal_cost_ns = 0
        self.steal_cost_n = 0
        self.remote_steals = 0

    def steal_extra_cost_ns(self, thief: Any, victim: Any, n: int) -> int:
        """Go adds nothing; only count the attempt (nothing at all when unbound)."""
        if self.rt is None:
            return 0
        self.steal_cost_n += 1
        self.steal_cost_ns += self.probe_ns
        if self.node[thief.id] != self.node[victim.id]:
            self.remote_steals += 1
        return 0

    def statistics(self) -> dict[str, int]:
        return {
            "policy_steal_ns": self.steal_cost_ns,
            "policy_steal_attempts": self.steal_cost_n,
            "policy_remote_steals": self.remote_steals,
        }
