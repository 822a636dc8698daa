"""A libtorrent 2.0 DHT node on 127.0.0.1 (and ::1) for the .NET interop tests, driven by JSON lines on stdin.

usage: /usr/bin/python3 dht-interop-lt.py [--ipv6] [127.0.0.1:PORT|[::1]:PORT ...]
The addresses are its only bootstrap nodes (never the public routers); LSD, UPnP and NAT-PMP are off. With --ipv6 it
also listens on [::1] (a second DHT node, BEP 32) and reports that port as port6.
Prints {"ready":true,"port":p,"nodes":n} once the DHT has bootstrapped (or after 15 s; at once when given no bootstrap
node), then one line per command:
  {"cmd":"announce","infoHash":hex}            -> {"ok":true,"port":p}     (adds a magnet-style torrent and forces its
                                                  DHT announce on port p; no completion is reported. The Python
                                                  binding of session.dht_announce cannot be called in 2.0.8: its
                                                  flags type is not exported.)
  {"cmd":"getPeers","infoHash":hex}            -> {"peers":["ip:port" or "[ip6]:port",...],"nodes":n}
  {"cmd":"addNode","host":ip,"port":p}         -> {"ok":true}              (the DHT node of ip's family pings it;
                                                  answers once it is in that node's routing table, or fails after 10 s)
A command that throws answers {"failure":msg}. The script exits when stdin closes or after 120 s.
"""
import json
import shutil
import sys
import tempfile
import threading
import time
import warnings

import libtorrent as lt

DEADLINE = time.monotonic() + 120
ipv6 = "--ipv6" in sys.argv[1:]
bootstrap = ",".join(a for a in sys.argv[1:] if a != "--ipv6")

session = lt.session({
    "listen_interfaces": "127.0.0.1:0,[::1]:0" if ipv6 else "127.0.0.1:0",
    "outgoing_interfaces": "127.0.0.1,::1" if ipv6 else "127.0.0.1",
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
udp_ports = {}  # listen address -> UDP port, from the listen_succeeded alerts
bootstrapped = False  # set by the dht_bootstrap alert


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def drain(timeout):
    """Waits up to timeout seconds for alerts and returns them, noting the listen ports and the bootstrap."""
    global bootstrapped
    session.wait_for_alert(int(timeout * 1000))
    alerts = session.pop_alerts()
    for a in alerts:
        if isinstance(a, lt.listen_succeeded_alert) and a.socket_type == lt.socket_type_t.udp:
            udp_ports[str(a.address)] = a.port
        elif isinstance(a, lt.dht_bootstrap_alert):
            bootstrapped = True
    return alerts


def live_nodes():
    session.post_dht_stats()
    end = time.monotonic() + 2
    while time.monotonic() < end:
        for a in drain(0.2):
            if isinstance(a, lt.dht_stats_alert):
                return sum(b["num_nodes"] for b in a.routing_table)
    return -1


def wait_listening():
    needed = ["127.0.0.1", "::1"] if ipv6 else ["127.0.0.1"]
    end = time.monotonic() + 5
    while any(a not in udp_ports for a in needed) and time.monotonic() < end:
        drain(0.2)


def wait_bootstrap():
    end = time.monotonic() + 15
    while bootstrap and not bootstrapped and time.monotonic() < end:
        drain(0.2)


def get_peers(info_hash_hex):
    target = lt.sha1_hash(bytes.fromhex(info_hash_hex))
    session.dht_get_peers(target)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        for a in drain(0.2):
            if isinstance(a, lt.dht_get_peers_reply_alert) and str(a.info_hash) == info_hash_hex:
                return [("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port) for ip, port in a.peers()]
    raise TimeoutError("no dht_get_peers_reply_alert within 20 s")


def dht_node_id(ipv6_node):
    """The id of our DHT node of one family: dht_state() lists each as id + its listen address."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        entries = session.dht_state()[b"node-id"]
    return next(lt.sha1_hash(e[:20]) for e in entries if (len(e) == 36) == ipv6_node)


def add_node(host, port):
    session.add_dht_node((host, port))
    nid = dht_node_id(":" in host)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        session.dht_live_nodes(nid)
        for a in drain(0.2):
            if isinstance(a, lt.dht_live_nodes_alert) and any(n["endpoint"] == (host, port) for n in a.nodes):
                return
    raise TimeoutError("%s:%d not in the routing table within 10 s" % (host, port))


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
    if name == "addNode":
        add_node(cmd["host"], cmd["port"])
        return {"ok": True}
    raise ValueError("unknown command %r" % name)


def watchdog():
    while time.monotonic() < DEADLINE:
        time.sleep(1)
    sys.stderr.write("dht-interop-lt.py: 120 s limit reached\n")
    import os
    shutil.rmtree(save_path, ignore_errors=True)
    os._exit(3)


threading.Thread(target=watchdog, daemon=True).start()
wait_listening()
wait_bootstrap()
port = udp_ports.get("127.0.0.1", session.listen_port())
ready = {"ready": True, "port": port, "bootstrapped": bootstrapped, "nodes": live_nodes()}
if ipv6:
    ready["port6"] = udp_ports.get("::1", 0)
out(ready)
for line in sys.stdin:
    if not line.strip():
        continue
    try:
        out(handle(json.loads(line)))
    except Exception as e:  # reported to the test, which fails with it
        out({"failure": "%s: %s" % (type(e).__name__, e)})
shutil.rmtree(save_path, ignore_errors=True)
