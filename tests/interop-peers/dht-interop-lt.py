"""A libtorrent 2.0 DHT node on 127.0.0.1 for the .NET interop tests, driven by JSON lines on stdin.

usage: /usr/bin/python3 dht-interop-lt.py 127.0.0.1:PORT [127.0.0.1:PORT ...]
The arguments are its only bootstrap nodes (never the public routers); LSD, UPnP and NAT-PMP are off.
Prints {"ready":true,"port":p,"nodes":n} once the DHT has bootstrapped (or after 15 s), then one line per command:
  {"cmd":"announce","infoHash":hex}            -> {"ok":true,"port":p}     (adds a magnet-style torrent and forces its
                                                  DHT announce on port p; no completion is reported. The Python
                                                  binding of session.dht_announce cannot be called in 2.0.8: its
                                                  flags type is not exported.)
  {"cmd":"getPeers","infoHash":hex}            -> {"peers":["ip:port",...],"nodes":n}
A command that throws answers {"failure":msg}. The script exits when stdin closes or after 120 s.
"""
import json
import shutil
import sys
import tempfile
import threading
import time

import libtorrent as lt

DEADLINE = time.monotonic() + 120
bootstrap = ",".join(sys.argv[1:])

session = lt.session({
    "listen_interfaces": "127.0.0.1:0",
    "outgoing_interfaces": "127.0.0.1",
    "enable_dht": True,
    "dht_bootstrap_nodes": bootstrap,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "dht_restrict_routing_ips": False,
    "dht_restrict_search_ips": False,
    "dht_ignore_dark_internet": False,
    "dht_prefer_verified_node_ids": False,
    "dht_enforce_node_id": False,
    "alert_mask": lt.alert.category_t.all_categories,
})

save_path = tempfile.mkdtemp(prefix="dht-interop-lt-")


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def drain(timeout):
    """Waits up to timeout seconds for alerts and returns them."""
    session.wait_for_alert(int(timeout * 1000))
    return session.pop_alerts()


def live_nodes():
    session.post_dht_stats()
    end = time.monotonic() + 2
    while time.monotonic() < end:
        for a in drain(0.2):
            if isinstance(a, lt.dht_stats_alert):
                return sum(b["num_nodes"] for b in a.routing_table)
    return -1


def wait_bootstrap():
    end = time.monotonic() + 15
    while time.monotonic() < end:
        for a in drain(0.2):
            if isinstance(a, lt.dht_bootstrap_alert):
                return True
    return False


def get_peers(info_hash_hex):
    target = lt.sha1_hash(bytes.fromhex(info_hash_hex))
    session.dht_get_peers(target)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        for a in drain(0.2):
            if isinstance(a, lt.dht_get_peers_reply_alert) and str(a.info_hash) == info_hash_hex:
                return ["%s:%d" % (ip, port) for ip, port in a.peers()]
    raise TimeoutError("no dht_get_peers_reply_alert within 20 s")


def handle(cmd):
    name = cmd.get("cmd")
    if name == "announce":
        params = lt.add_torrent_params()
        params.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(cmd["infoHash"])))
        params.save_path = save_path
        handle = session.add_torrent(params)
        handle.force_dht_announce()
        return {"ok": True, "port": session.listen_port()}
    if name == "getPeers":
        peers = get_peers(cmd["infoHash"])
        return {"peers": peers, "nodes": live_nodes()}
    raise ValueError("unknown command %r" % name)


def watchdog():
    while time.monotonic() < DEADLINE:
        time.sleep(1)
    sys.stderr.write("dht-interop-lt.py: 120 s limit reached\n")
    import os
    shutil.rmtree(save_path, ignore_errors=True)
    os._exit(3)


threading.Thread(target=watchdog, daemon=True).start()
bootstrapped = wait_bootstrap()
out({"ready": True, "port": session.listen_port(), "bootstrapped": bootstrapped, "nodes": live_nodes()})
for line in sys.stdin:
    if not line.strip():
        continue
    try:
        out(handle(json.loads(line)))
    except Exception as e:  # reported to the test, which fails with it
        out({"failure": "%s: %s" % (type(e).__name__, e)})
shutil.rmtree(save_path, ignore_errors=True)
