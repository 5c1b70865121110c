#!/bin/bash
# usage: trace_run.sh GMP OUT [extra program flags]  -- run under flock -x /tmp/cpu.lock
# (docs/validation.md mechanism 330) The uprobe offsets are those of the fanout-cpu binary of
# source hash 7eeba3aaf23c1f69 (readelf -sW: symbol address - 0x400000); recompute for another build.
# Uses the tracefs instance "sysinit" and the uprobe group "sysinit"; T0 = Finish - makespan.
set -e
GMP=$1; OUT=$2; shift 2
B=/root/.cache/goschedlab/gosrc-bin/1.23.1/7eeba3aaf23c1f69/fanout-cpu
T=/sys/kernel/tracing
I=$T/instances/sysinit
[ -d $I ] || mkdir $I
if ! grep -q sysinit/ $T/uprobe_events; then
  while read n o; do echo "p:sysinit/$n $B:$o" >> $T/uprobe_events; done <<EOP
rtmain 0x35ee0
sysmon 0x42780
preemptone 0x42f40
mainmain 0xd4180
begin 0xd21c0
finish 0xd2380
gcenable 0x164c0
EOP
  echo "p:sysinit/execute $B:0x3b940 inherit=%bx:u8" >> $T/uprobe_events
fi
echo 0 > $I/tracing_on
echo mono > $I/trace_clock
echo 8192 > $I/buffer_size_kb
echo > $I/trace
echo 1 > $I/options/event-fork
for e in sched/sched_switch sched/sched_wakeup sched/sched_process_exec task/task_newtask syscalls/sys_enter_nanosleep syscalls/sys_exit_nanosleep signal/signal_generate sysinit; do
  echo 1 > $I/events/$e/enable
done
echo 1 > $I/tracing_on
sh -c "echo \$\$ > $I/set_event_pid; exec env GOMAXPROCS=$GMP $B -g 4 -w 25000 $*" > $OUT.json
echo 0 > $I/tracing_on
cat $I/trace > $OUT.trace
echo > $I/set_event_pid
