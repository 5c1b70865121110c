#!/bin/sh
# Mechanism 370 probe: tracefs capture of syscall-block default GOMAXPROCS=1 (sched_switch,
# sched_waking, sched_wakeup, sched_migrate_task, hrtimer_expire_entry, record-tgid, 32 MB
# per-CPU buffers), read by sysmon_migrations_370.py.
# Usage: flock -x /tmp/cpu.lock sh benchmarks/probes/sysmon_migrations_370.sh OUT_PREFIX
set -e
T=/sys/kernel/tracing
BIN=$(ls ~/.cache/goschedlab/gosrc-bin/1.23.1/300c2d441ebf5cc0/syscall-block)
echo 0 > $T/tracing_on
echo > $T/trace
echo 32768 > $T/buffer_size_kb
echo 1 > $T/options/record-tgid
for e in sched/sched_switch sched/sched_waking sched/sched_wakeup sched/sched_migrate_task \
    timer/hrtimer_expire_entry; do echo 1 > $T/events/$e/enable; done
echo 1 > $T/tracing_on
GOMAXPROCS=1 $BIN > "$1.out" 2>&1
echo 0 > $T/tracing_on
for e in sched/sched_switch sched/sched_waking sched/sched_wakeup sched/sched_migrate_task \
    timer/hrtimer_expire_entry; do echo 0 > $T/events/$e/enable; done
cat $T/per_cpu/cpu*/stats | grep -i overrun > "$1.overrun"
cat $T/trace > "$1.trace"
echo > $T/trace
echo 1408 > $T/buffer_size_kb
