/* The runq scenario of `goschedlab explore runq` (sequential consistency), in Promela, for
 * benchmarks/explore_vs_spin.py. Same algorithm, same statement granularity for shared
 * accesses (one shared read or write per statement; CAS is one atomic step), same scenario:
 *   - owner: OPS operations cycling runqput, runqput, runqput(next), runqput(next), runqget
 *     on a ring of CAP slots prefilled with CAP-2 Gs (overflow goes to the global queue
 *     under sched.lock through runqputslow);
 *   - NTHIEVES thieves: one runqsteal each (runqgrab with stealRunNextG).
 * Checks: no nil G handed out, runqsteal does not overflow, and at the end every G put is
 * obtained exactly once and at most CAP Gs are queued.
 * -DBUG_SLOT_AFTER_CAS seeds the bug-slot-after-cas variant (runqgrab copies after its CAS).
 */
#ifndef CAP
#define CAP 4
#endif
#ifndef OPS
#define OPS 5
#endif
#ifndef NTHIEVES
#define NTHIEVES 2
#endif
#define PREFILL (CAP - 2)
#define HALF (CAP / 2)
#define NG (PREFILL + OPS + 2)

int runqhead = 0;
int runqtail = PREFILL;
int runq[CAP];
int runnext = 0;
bit schedlock = 0;
int gsize = 0;
int glob[NG];
byte got[NG];

proctype owner() {
    int i = 0; int g = PREFILL; int gp; int h; int t; int n; int k; int x; int oldnext;
    int next; bit ok; bit putnext; int batch[HALF + 1];
    do
    :: i < OPS ->
        if
        :: i % 5 == 4 ->                              /* runqget */
            next = runnext;
            if
            :: next != 0 ->
                atomic { if :: runnext == next -> runnext = 0; ok = 1; got[next]++
                             :: else -> ok = 0 fi }
            :: else -> ok = 0
            fi;
            if
            :: ok -> skip
            :: else ->
                do
                :: h = runqhead;
                   t = runqtail;
                   if
                   :: t == h -> break
                   :: else ->
                       gp = runq[h % CAP];
                       atomic { if :: runqhead == h -> runqhead = h + 1; ok = 1; got[gp]++
                                    :: else -> ok = 0 fi };
                       if :: ok -> assert(gp != 0); break :: else -> skip fi
                   fi
                od
            fi
        :: else ->                                    /* runqput(g, next) */
            g++; gp = g; putnext = (i % 5 >= 2);
            if
            :: putnext ->
                do
                :: oldnext = runnext;
                   atomic { if :: runnext == oldnext -> runnext = gp; ok = 1
                                :: else -> ok = 0 fi };
                   if :: ok -> break :: else -> skip fi
                od;
                gp = oldnext
            :: else -> skip
            fi;
            if
            :: gp == 0 -> skip
            :: else ->
                do
                :: h = runqhead;
                   t = runqtail;
                   if
                   :: t - h < CAP -> runq[t % CAP] = gp; runqtail = t + 1; break
                   :: else ->                         /* runqputslow */
                       n = (t - h) / 2;
                       assert(n == HALF);
                       k = 0;
                       do :: k < n -> batch[k] = runq[(h + k) % CAP]; k++ :: else -> break od;
                       atomic { if :: runqhead == h -> runqhead = h + n; ok = 1
                                    :: else -> ok = 0 fi };
                       if
                       :: ok ->
                           batch[n] = gp;
                           atomic { schedlock == 0 -> schedlock = 1 };
                           x = gsize;
                           k = 0;
                           do :: k <= n -> glob[x + k] = batch[k]; k++ :: else -> break od;
                           gsize = x + n + 1;
                           schedlock = 0;
                           break
                       :: else -> skip
                       fi
                   fi
                od
            fi
        fi;
        i++
    :: else -> break
    od
}

proctype thief() {
    int myq[CAP]; int myhead = 0; int mytail = 0;
    int t0; int h; int t; int n; int k; int next; int gp; bit ok;
    t0 = mytail;
    do                                                /* runqgrab(victim, myq, t0, true) */
    :: h = runqhead;
       t = runqtail;
       n = t - h;
       n = n - n / 2;
       if
       :: n == 0 ->
           next = runnext;
           if
           :: next != 0 ->
               atomic { if :: runnext == next -> runnext = 0; ok = 1 :: else -> ok = 0 fi };
               if :: ok -> myq[t0 % CAP] = next; n = 1; break :: else -> skip fi
           :: else -> break
           fi
       :: n > HALF -> skip
       :: else ->
#ifndef BUG_SLOT_AFTER_CAS
           k = 0;
           do :: k < n -> myq[(t0 + k) % CAP] = runq[(h + k) % CAP]; k++ :: else -> break od;
#endif
           atomic { if :: runqhead == h -> runqhead = h + n; ok = 1 :: else -> ok = 0 fi };
           if
           :: ok ->
#ifdef BUG_SLOT_AFTER_CAS
               k = 0;
               do :: k < n -> myq[(t0 + k) % CAP] = runq[(h + k) % CAP]; k++ :: else -> break od;
#endif
               break
           :: else -> skip
           fi
       fi
    od;
    if                                                /* runqsteal's tail */
    :: n == 0 -> gp = 0
    :: else ->
        n--;
        gp = myq[(t0 + n) % CAP];
        assert(gp != 0);
        if :: n > 0 -> assert(t0 - myhead + n < CAP); mytail = t0 + n :: else -> skip fi
    fi;
    d_step {
        if :: gp != 0 -> got[gp]++ :: else -> skip fi;
        k = myhead;
        do :: k < mytail -> got[myq[k % CAP]]++; k++ :: else -> break od
    }
}

init {
    int k; int g; int nput;
    atomic {
        k = 0;
        do :: k < PREFILL -> runq[k] = k + 1; k++ :: else -> break od;
        run owner();
        k = 0;
        do :: k < NTHIEVES -> run thief(); k++ :: else -> break od
    };
    _nr_pr == 1;
    d_step {
        k = runqhead;
        do :: k < runqtail -> got[runq[k % CAP]]++; k++ :: else -> break od;
        if :: runnext != 0 -> got[runnext]++ :: else -> skip fi;
        k = 0;
        do :: k < gsize -> got[glob[k]]++; k++ :: else -> break od;
        assert(runqtail - runqhead <= CAP);
        nput = PREFILL;
        k = 0;
        do :: k < OPS -> if :: k % 5 != 4 -> nput++ :: else -> skip fi; k++ :: else -> break od;
        assert(got[0] == 0);
        g = 1;
        do :: g <= nput -> assert(got[g] == 1); g++ :: else -> break od
    }
}
