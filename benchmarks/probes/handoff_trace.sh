#!/bin/bash
# Probe (docs/validation.md mechanism 310): a tracefs instance (mono clock; sched_switch,
# sched_wakeup, sched_waking, raw_syscalls) around GOMAXPROCS=1 /tmp/handoff_trial -n N.
# usage: flock -x /tmp/cpu.lock bash handoff_trace.sh OUTPREFIX N   -> OUTPREFIX.out, OUTPREFIX.trace
# then: python3 benchmarks/probes/handoff_breakdown.py OUTPREFIX
set -e
I=/sys/kernel/tracing/instances/h310
mkdir -p $I
echo 0 > $I/tracing_on
echo mono > $I/trace_clock
echo 65536 > $I/buffer_size_kb
echo > $I/trace
echo > $I/set_event
echo 1 > $I/options/event-fork
for e in sched:sched_switch sched:sched_wakeup sched:sched_waking raw_syscalls:sys_enter raw_syscalls:sys_exit; do echo $e >> $I/set_event; done
bash -c "echo \$\$ > $I/set_event_pid; echo 1 > $I/tracing_on; GOMAXPROCS=1 exec /tmp/handoff_trial -n $2" > $1.out
echo 0 > $I/tracing_on
cat $I/trace > $1.trace
echo > $I/set_event; echo > $I/set_event_pid; echo > $I/trace
tail -1 $1.out; wc -l $1.trace
