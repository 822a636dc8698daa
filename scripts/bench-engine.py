#!/usr/bin/python3
"""Whole-client transfer benchmark over loopback TCP: one file seeded and downloaded, ours against libtorrent.

Usage: scripts/bench-engine.py [--size-mib 1024] [--rounds 3] [--skip-aria2] [--il]
       scripts/bench-engine.py --leechers 16 [--size-mib 256] [--rounds 3]      (the swarm benchmark, below)
       scripts/bench-engine.py --metadata [--rounds 5]                          (magnet to metadata, below)

Each round runs, one after the other (the order rotating from round to round) on the same file and the same .torrent
(piece length chosen by `bt create`):
  bt seed -> bt get                    our CLI, the downloader dialling the seeder (--peer), no DHT
  libtorrent -> libtorrent             python3-libtorrent 2.0, tests/interop-peers/engine-libtorrent.py, same settings
  libtorrent -> aria2c                 aria2 1.36 learns the seeder from a loopback opentracker (it has no --peer)
For the downloader it reports the wall time from its start until it has every piece verified (ours and aria2: the
process exited; libtorrent: its "finished" event), MB/s over that time, its CPU seconds (user + system) and its peak
resident set, from the kernel (wait4 for ours and aria2, getrusage inside the libtorrent script). Every download is
compared byte for byte with the source.

With --leechers N it times a swarm instead: one seeder and N leechers started at once, each leecher given only the
seeder's address (they find each other through PEX) and seeding on after it completes; the figure is the time until
the last leecher has every piece verified, all ours (`bt seed` and `bt get --seed`) against all libtorrent.

Our side is `bt` published Native AOT for this machine (dotnet publish -r linux-x64 -p:PublishAot=true, into
artifacts/bt-<rid>), the fast way to install it that README describes; with --il it is the plain framework-dependent
build instead (what `dotnet tool install` gives: every method compiled by the JIT at start).

With --metadata it times a magnet link to metadata: from starting `bt get MAGNET --peer SEEDER` (or a libtorrent
session given the same magnet and peer) until it reports the info dictionary, from a libtorrent seeder. Needs: the .NET SDK, python3-libtorrent, aria2, opentracker
(scripts/install-test-deps.sh installs them). Loopback only; every process it starts is stopped by its id.
"""
import argparse
import filecmp
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "tests", "interop-peers")
CLI = os.path.join(ROOT, "src", "BitTorrent.Cli")
BT = ["dotnet", os.path.join(CLI, "bin", "Release", "net10.0", "bt.dll")]  # the command that runs bt
BOUND = 600  # seconds any one download may take


def build_bt(il):
    """Builds bt (Native AOT for this machine unless il) and points BT at it."""
    global BT
    if il:
        subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", CLI], check=True, stdout=subprocess.DEVNULL)
        return
    rid = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-x64"
    out = os.path.join(ROOT, "artifacts", "bt-" + rid)
    subprocess.run(["dotnet", "publish", CLI, "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", out, "--nologo",
                    "-v", "q"], check=True, stdout=subprocess.DEVNULL)
    BT = [os.path.join(out, "bt")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Started:
    """A child process read line by line; stop() kills it (and waits) by its id."""

    def __init__(self, args, cwd=None):
        self.process = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, start_new_session=True)

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + BOUND
        for line in self.process.stdout:
            if time.monotonic() > deadline:
                break
            if line.startswith("{"):
                event = json.loads(line)
                if predicate(event):
                    return event
        raise RuntimeError("no %s from %s" % (what, self.process.args[:3]))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def measured(args, cwd=None):
    """Runs a downloader to its exit; returns (seconds, cpu seconds, peak RSS in MiB) from wait4."""
    start = time.monotonic()
    child = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - start
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError("%s exited with %d" % (args[:3], child.returncode))
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def libtorrent(options):
    return Started(["/usr/bin/python3", os.path.join(PEERS, "engine-libtorrent.py"), json.dumps(options)], cwd=PEERS)


def ours(work, torrent, seed_dir):
    port = free_port()
    seeder = Started(BT + ["seed", torrent, "-d", seed_dir, "--port", str(port), "--no-dht", "--json"])
    try:
        seeder.wait_for(lambda e: e.get("event") == "seeding", "seeding")
        out = fresh(work, "ours")
        result = measured(BT + ["get", torrent, "-o", out, "--peer", "127.0.0.1:%d" % port, "--no-dht", "--json"])
        return result, out
    finally:
        seeder.stop()


def libtorrent_pair(work, torrent, seed_dir):
    seeder = libtorrent({"torrent": torrent, "savePath": seed_dir, "lifetime": BOUND})
    leecher = None
    try:
        port = seeder.wait_for(lambda e: e["event"] == "ready", "ready")["port"]
        out = fresh(work, "libtorrent")
        start = time.monotonic()
        leecher = libtorrent({"torrent": torrent, "savePath": out, "connect": port, "lifetime": BOUND})
        done = leecher.wait_for(lambda e: e["event"] == "finished", "finished")
        return (time.monotonic() - start, done["cpuSeconds"], done["maxRssKiB"] / 1024), out
    finally:
        for p in (leecher, seeder):
            if p is not None:
                p.stop()


def aria2(work, torrent, seed_dir, tracker_port, info_hash):
    # Seeds that earlier contestants left on the tracker are dead (killed, no "stopped"): wait for one more.
    seeds_before = tracker_seeds(tracker_port, info_hash)
    seeder = libtorrent({"torrent": torrent, "savePath": seed_dir, "lifetime": BOUND})
    try:
        seeder.wait_for(lambda e: e["event"] == "ready", "ready")
        deadline = time.monotonic() + 60
        while tracker_seeds(tracker_port, info_hash) <= seeds_before:
            if time.monotonic() > deadline:
                raise RuntimeError("the libtorrent seeder never showed up on the tracker")
            time.sleep(0.1)
        out = fresh(work, "aria2")
        result = measured(["/usr/bin/aria2c", "--seed-time=0", "--enable-dht=false", "--enable-dht6=false",
                           "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--disable-ipv6=true",
                           "--listen-port=%d" % free_port(), "--file-allocation=none", "--no-conf=true",
                           "--console-log-level=warn", "--summary-interval=0", "--dir=" + out, torrent])
        return result, out
    finally:
        seeder.stop()


def tracker_seeds(port, info_hash):
    """How many seeds opentracker lists for the torrent (its scrape's "complete")."""
    url = "http://127.0.0.1:%d/scrape?info_hash=%s" % (port, "".join("%%%02X" % b for b in bytes.fromhex(info_hash)))
    with urllib.request.urlopen(url, timeout=5) as answer:
        found = re.search(rb"8:completei(\d+)e", answer.read())
    return int(found.group(1)) if found else 0


def start_opentracker(work, info_hash, port):
    folder = os.path.join(work, "opentracker")
    os.makedirs(folder)
    os.chmod(folder, 0o755)  # opentracker drops to nobody after its chroot
    with open(os.path.join(folder, "whitelist"), "w") as f:
        f.write(info_hash + "\n")
    tracker = Started(["/usr/bin/opentracker", "-i", "127.0.0.1", "-p", str(port), "-P", str(port), "-d", folder,
                       "-w", "/whitelist"], cwd=folder)
    # It loads the whitelist on a thread after it listens, and never checks a "stopped" announce against it.
    probe = ("http://127.0.0.1:%d/announce?info_hash=%s&peer_id=-PROBE-0000000000000&port=1&uploaded=0&downloaded=0"
             "&left=0&compact=1" % (port, "".join("%%%02X" % b for b in bytes.fromhex(info_hash))))
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=5) as answer:
                if b"not authorized" not in answer.read():
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            tracker.stop()
            raise RuntimeError("opentracker did not start")
        time.sleep(0.05)
    urllib.request.urlopen(probe + "&event=stopped", timeout=5).read()
    return tracker


def swarm_ours(work, torrent, seed_dir, leechers):
    port = free_port()
    seeder = Started(BT + ["seed", torrent, "-d", seed_dir, "--port", str(port), "--no-dht", "--json"])
    started = []
    try:
        seeder.wait_for(lambda e: e.get("event") == "seeding", "seeding")
        outs = [fresh(work, "ours%d" % i) for i in range(leechers)]
        start = time.monotonic()
        for out in outs:
            started.append((Started(BT + ["get", torrent, "-o", out, "--peer", "127.0.0.1:%d" % port, "--no-dht",
                                     "--seed", "--json"]), out))
        for leecher, _ in started:
            leecher.wait_for(lambda e: e.get("event") == "complete", "complete")
        return time.monotonic() - start, [out for _, out in started]
    finally:
        for leecher, _ in started:
            leecher.stop()
        seeder.stop()


def swarm_libtorrent(work, torrent, seed_dir, leechers):
    seeder = libtorrent({"torrent": torrent, "savePath": seed_dir, "lifetime": BOUND})
    started = []
    try:
        port = seeder.wait_for(lambda e: e["event"] == "ready", "ready")["port"]
        outs = [fresh(work, "libtorrent%d" % i) for i in range(leechers)]
        start = time.monotonic()
        for out in outs:
            started.append((libtorrent({"torrent": torrent, "savePath": out, "connect": port, "lifetime": BOUND}), out))
        for leecher, _ in started:
            leecher.wait_for(lambda e: e["event"] == "finished", "finished")
        return time.monotonic() - start, [out for _, out in started]
    finally:
        for leecher, _ in started:
            leecher.stop()
        seeder.stop()


def run_swarm(work, torrent, seed_dir, data, args):
    contestants = [("ours: bt seed + %d x bt get --seed" % args.leechers, swarm_ours),
                   ("libtorrent: 1 + %d sessions" % args.leechers, swarm_libtorrent)]
    runs = {name: [] for name, _ in contestants}
    print("swarm: 1 seeder, %d leechers, %d MiB, %d rounds, %d cores, load %.1f, bt: %s"
          % (args.leechers, args.size_mib, args.rounds, os.cpu_count(), os.getloadavg()[0], "IL build" if args.il else "Native AOT"))
    for round_ in range(args.rounds):
        for name, run in contestants:
            seconds, outs = run(work, torrent, seed_dir, args.leechers)
            for out in outs:
                if not filecmp.cmp(data, os.path.join(out, "data.bin"), shallow=False):
                    raise RuntimeError("%s: a download differs from the source" % name)
                shutil.rmtree(out)
            runs[name].append(seconds)
            print("round %d  %-36s every leecher complete after %6.2f s" % (round_ + 1, name, seconds), flush=True)
    print()
    print("| swarm | seconds until every leecher is complete, median (min-max) |")
    print("|---|---:|")
    for name, values in runs.items():
        print("| %s | %.2f (%.2f-%.2f) |" % (name, statistics.median(values), min(values), max(values)))
    ours_runs, lt_runs = runs[contestants[0][0]], runs[contestants[1][0]]
    ratios = sorted(l / o for o, l in zip(ours_runs, lt_runs))
    print()
    print("libtorrent time / our time per round: %s (median %.2fx)" % (", ".join("%.2fx" % r for r in ratios), statistics.median(ratios)))


def run_metadata(work, torrent, seed_dir, info_hash, args):
    magnet = "magnet:?xt=urn:btih:" + info_hash
    seeder = libtorrent({"torrent": torrent, "savePath": seed_dir, "lifetime": BOUND})
    try:
        port = seeder.wait_for(lambda e: e["event"] == "ready", "ready")["port"]
        runs = {"bt get MAGNET (ours)": [], "libtorrent": []}
        print("magnet to metadata from a libtorrent seeder: %d MiB torrent, %d rounds, load %.1f"
              % (args.size_mib, args.rounds, os.getloadavg()[0]))
        for round_ in range(args.rounds):
            for name in runs:
                out = fresh(work, "metadata")
                start = time.monotonic()
                if name == "libtorrent":
                    client = libtorrent({"magnet": magnet, "savePath": out, "connect": port, "lifetime": BOUND})
                else:
                    client = Started(BT + ["get", magnet, "-o", out, "--peer", "127.0.0.1:%d" % port, "--no-dht", "--json"])
                try:
                    client.wait_for(lambda e: e.get("event") == "metadata", "metadata")
                    runs[name].append(time.monotonic() - start)
                finally:
                    client.stop()
                print("round %d  %-22s %6.3f s" % (round_ + 1, name, runs[name][-1]), flush=True)
        print()
        print("| magnet to metadata | seconds, median (min-max) |")
        print("|---|---:|")
        for name, values in runs.items():
            print("| %s | %.3f (%.3f-%.3f) |" % (name, statistics.median(values), min(values), max(values)))
    finally:
        seeder.stop()


def fresh(work, name):
    """An empty download directory; first the previous download's dirty pages go to disk (sync), so no downloader
    pays, in throttled writes and system time, for the writeback of the one before it."""
    path = os.path.join(work, name)
    shutil.rmtree(path, ignore_errors=True)
    os.sync()
    os.makedirs(path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-aria2", action="store_true")
    parser.add_argument("--leechers", type=int, default=0, help="time a swarm of this many leechers instead")
    parser.add_argument("--metadata", action="store_true", help="time a magnet link to metadata instead")
    parser.add_argument("--il", action="store_true", help="run the plain IL build of bt (JIT), not the Native AOT one")
    args = parser.parse_args()

    build_bt(args.il)
    work = tempfile.mkdtemp(prefix="bt-bench-engine-")
    tracker = None
    try:
        seed_dir = os.path.join(work, "seed")
        os.makedirs(seed_dir)
        data = os.path.join(seed_dir, "data.bin")
        with open(data, "wb") as f:
            for _ in range(args.size_mib):
                f.write(os.urandom(1 << 20))
        size = args.size_mib << 20
        # The tracker URL is only for aria2 (it has no way to be given a peer); the info hash is the same without it.
        tracker_port = free_port()
        torrent = os.path.join(work, "data.torrent")
        created = subprocess.run(BT + ["create", data, "-o", torrent, "-t",
                                  "http://127.0.0.1:%d/announce" % tracker_port, "--json"],
                                 check=True, capture_output=True, text=True).stdout
        info_hash = next(json.loads(l)["info_hash"] for l in created.splitlines() if '"info_hash"' in l)
        if args.leechers > 0:
            run_swarm(work, torrent, seed_dir, data, args)
            return 0
        if args.metadata:
            run_metadata(work, torrent, seed_dir, info_hash, args)
            return 0
        if not args.skip_aria2:
            tracker = start_opentracker(work, info_hash, tracker_port)

        contestants = [("bt seed -> bt get (ours)", lambda: ours(work, torrent, seed_dir)),
                       ("libtorrent -> libtorrent", lambda: libtorrent_pair(work, torrent, seed_dir))]
        if not args.skip_aria2:
            contestants.append(("libtorrent -> aria2c", lambda: aria2(work, torrent, seed_dir, tracker_port, info_hash)))
        runs = {name: [] for name, _ in contestants}
        print("%d MiB, %d rounds, %d cores, load %.1f, bt: %s" % (args.size_mib, args.rounds, os.cpu_count(), os.getloadavg()[0], "IL build" if args.il else "Native AOT"))
        for round_ in range(args.rounds):
            # The order rotates each round, so that no contestant always follows the same one: on this VM a download
            # right after libtorrent's spent 1.5-2 s more kernel time writing into the page cache than one right after
            # ours (BENCHMARKS.md), and libtorrent's own time did not depend on what ran before it.
            for name, run in contestants[round_ % len(contestants):] + contestants[:round_ % len(contestants)]:
                (seconds, cpu, rss), out = run()
                if not filecmp.cmp(data, os.path.join(out, "data.bin"), shallow=False):
                    raise RuntimeError("%s: the download differs from the source" % name)
                shutil.rmtree(out)
                runs[name].append((seconds, cpu, rss))
                print("round %d  %-28s %6.2f s  %7.0f MB/s  %5.2f CPU s  %6.0f MiB peak RSS"
                      % (round_ + 1, name, seconds, size / seconds / 1e6, cpu, rss), flush=True)
        print()
        print("| downloader | MB/s, median (min-max) | seconds | CPU s per GiB | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|")
        for name, values in runs.items():
            rates = [size / s / 1e6 for s, _, _ in values]
            print("| %s | %.0f (%.0f-%.0f) | %.2f | %.2f | %.0f |" % (
                name, statistics.median(rates), min(rates), max(rates), statistics.median(s for s, _, _ in values),
                statistics.median(c for _, c, _ in values) * (1 << 30) / size, statistics.median(r for _, _, r in values)))
        ours_runs, lt_runs = runs[contestants[0][0]], runs[contestants[1][0]]
        ratios = sorted(l[0] / o[0] for o, l in zip(ours_runs, lt_runs))
        print()
        print("ours / libtorrent throughput per round: %s (median %.2fx)" % (
            ", ".join("%.2fx" % r for r in ratios), statistics.median(ratios)))
    finally:
        if tracker is not None:
            tracker.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
