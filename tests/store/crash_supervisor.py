#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Crash tests of the case store with real processes (docs/store.md, "What happens on a crash").

Starts worker processes of tests/store/crash_driver.cpp on one store, kills random ones with
SIGKILL at random moments (seeded), restarts them until they finish, then runs `check`:

  --mode timers   WORKERS processes fire the timers of CASES cases (4 each, due times spread
                  over a week), stepping through time an hour at a time: one transaction per
                  timer;
  --mode events   WORKERS processes send the same EVENTS events (each id by every process, from
                  different starting points), then one unkilled worker fires every timer;
  --mode both     both sets of processes at once (each event dated half an hour after its case
                  opened: refused, time went back, when a worker fired the case's timer first);
  --mode torn     ROUNDS times: a process applying large notes is killed after a random number
                  of microseconds, the file is checked each time (integrity_check, every case
                  equal to its log replayed, versions match the log: old or new state).

    crash_supervisor.py --driver BUILD/tests/aftersale_crash_driver --url /tmp/x.db --mode timers \
        --cases 25000 --workers 4 --seed 7          # 100,000 timers

Exit 0 when every check held; 77 (ctest: skipped) when --url-from-env names an unset variable.
For a PostgreSQL URL the database's `public` schema is dropped first (a throwaway database).
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time


def log(*a):
    print(*a, flush=True)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        log("FAILED:", " ".join(cmd), "\n", r.stdout, r.stderr)
        sys.exit(1)
    return r.stdout.strip()


def reset_store(url):
    if url.startswith(("postgresql://", "postgres://")):
        psql = shutil.which("psql")
        if not psql:
            log("psql not found: cannot empty the PostgreSQL database", url)
            sys.exit(1)
        run([psql, "-v", "ON_ERROR_STOP=1", "-q", url, "-c",
             "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"])
        return
    path = url[len("sqlite:"):] if url.startswith("sqlite:") else url
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


class Pool:
    """Processes that are restarted after each kill until they exit 0."""

    def __init__(self, commands):
        self.commands = commands  # index -> argv
        self.procs = {i: subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                      for i, c in commands.items()}
        self.kills = 0
        self.outputs = []

    def reap(self):
        for i, p in list(self.procs.items()):
            rc = p.poll()
            if rc is None:
                continue
            out, err = p.communicate()
            if rc != 0:
                log(f"worker {i} failed with {rc}:\n{out}{err}")
                sys.exit(1)
            self.outputs.append(out.strip())
            del self.procs[i]

    def kill_one(self, rng):
        self.reap()
        if not self.procs:
            return
        i = rng.choice(sorted(self.procs))
        p = self.procs[i]
        p.send_signal(signal.SIGKILL)
        p.communicate()
        if p.returncode == -signal.SIGKILL:
            self.kills += 1
            self.procs[i] = subprocess.Popen(self.commands[i], stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True)
        elif p.returncode != 0:
            log(f"worker {i} failed with {p.returncode}:\n{p.stderr}")
            sys.exit(1)
        else:
            del self.procs[i]  # it finished just before the signal

    def run(self, rng, mean_interval, deadline):
        while True:
            self.reap()
            if not self.procs:
                return
            if time.monotonic() > deadline:
                log("workers did not finish in time")
                for p in self.procs.values():
                    p.kill()
                sys.exit(1)
            time.sleep(rng.expovariate(1.0 / mean_interval))
            self.kill_one(rng)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--url")
    ap.add_argument("--url-from-env", help="take the URL from this environment variable; skip (77) if unset")
    ap.add_argument("--mode", choices=["timers", "events", "both", "torn"], required=True)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--events", type=int, default=0)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=30, help="torn: kills during commit")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kill-every", type=float, default=0.4, help="mean seconds between kills")
    ap.add_argument("--sync", choices=["full", "normal"], default="full")
    ap.add_argument("--timeout", type=float, default=1800)
    a = ap.parse_args()

    url = a.url
    if a.url_from_env:
        url = os.environ.get(a.url_from_env)
        if not url:
            log(f"SKIPPED: {a.url_from_env} is not set (a throwaway PostgreSQL database URL)")
            sys.exit(77)
    rng = random.Random(a.seed)
    driver = [a.driver]
    sync = ["--sync", a.sync]
    reset_store(url)
    started = time.monotonic()
    deadline = started + a.timeout
    week = 7 * 24 * 3600

    if a.mode == "torn":
        log(run(driver + ["seed", url, str(a.cases), "--spread", "0"] + sync))
        for r in range(a.rounds):
            p = subprocess.Popen(driver + ["churn", url, "--cases", str(a.cases)] + sync,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.stdout.readline().strip() != "ready":
                log("churn did not start:", p.communicate())
                sys.exit(1)
            time.sleep(rng.uniform(0, 0.3))  # a random moment, most of it inside commits
            p.send_signal(signal.SIGKILL)
            p.communicate()
            if p.returncode != -signal.SIGKILL:
                log(f"churn stopped by itself ({p.returncode}): {p.stderr}")
                sys.exit(1)
            run(driver + ["check", url, "--cases", str(a.cases)] + sync)
        log(run(driver + ["check", url, "--cases", str(a.cases)] + sync))
        log(f"torn: {a.rounds} kills during commits, the file checked after each, "
            f"{time.monotonic() - started:.1f} s")
        return

    spread = week if a.mode != "events" else 0
    log(run(driver + ["seed", url, str(a.cases), "--spread", str(spread)] + sync))
    seeded = time.monotonic()
    horizon = spread + 5 * 3600  # every timer due: the last case opens at the spread's end
    commands = {}
    told = []
    if a.mode in ("timers", "both"):
        for w in range(a.workers):
            commands[f"timers-{w}"] = driver + ["worker", url, "--until", str(horizon), "--step", "3600"] + sync
    if a.mode in ("events", "both"):
        for w in range(a.workers):
            out = f"{url}.told{w}" if not url.startswith("postgres") else f"/tmp/aftersale-crash-told-{os.getpid()}-{w}"
            if os.path.exists(out):
                os.remove(out)
            told.append(out)
            commands[f"events-{w}"] = driver + ["events", url, "--cases", str(a.cases), "--count", str(a.events),
                                                "--worker", str(w), "--workers", str(a.workers), "--at", "1800",
                                                "--spread", str(spread),
                                                "--out", out] + sync
    pool = Pool(commands)
    pool.run(rng, a.kill_every, deadline)
    worked = time.monotonic()
    if pool.kills == 0:
        log("no worker was killed before it finished: make the run larger or --kill-every smaller")
        sys.exit(1)
    # Whatever is left (events mode: every timer) by one worker that is not killed.
    final = run(driver + ["worker", url, "--until", str(horizon + 24 * 3600), "--step", str(horizon + 24 * 3600),
                          "--drain", "120"] + sync)
    check = driver + ["check", url, "--cases", str(a.cases), "--events", str(a.events), "--kills",
                      str(pool.kills), "--complete"] + sync
    if told:
        check += ["--told"] + told
    result = run(check)
    for f in told:
        os.remove(f)
    log("\n".join(pool.outputs))
    log("after the kills:", final)
    log(result)
    log(f"{a.mode}: {a.cases} cases, {a.workers} workers, {pool.kills} SIGKILLs and restarts; "
        f"seed {seeded - started:.1f} s, work {worked - seeded:.1f} s, total {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
