#!/usr/bin/python3
"""A libtorrent 2.0 session seeding or downloading one torrent on 127.0.0.1, for the BitTorrent.Client interop tests.

Usage: /usr/bin/python3 engine-libtorrent.py '<json options>'
  torrent     path of the .torrent file (or, instead:)
  magnet      a magnet link: the torrent is fetched from peers (ut_metadata) and "metadata" reported when it is in
  savePath    the directory the torrent's data is (or goes) under
  connect     a port on 127.0.0.1 to dial once the torrent is added (optional)
  lifetime    seconds before the process exits on its own (default 120)
  dhtBootstrap  "127.0.0.1:P": run libtorrent's DHT on 127.0.0.1, bootstrap from that node only, and announce the
              torrent every 2 s once checked (optional; without it the DHT is off)

Reports one JSON object per line on stdout:
  {"event":"ready","port":P}        once the torrent is added and checked
  {"event":"metadata"}              a magnet's info dictionary arrived (metadata_received_alert)
  {"event":"finished","cpuSeconds":c,"maxRssKiB":k}  once every piece is downloaded and verified (at once for a
                                    complete seed), with this process's CPU time and peak resident set so far
  {"event":"peer-connected"|"peer-disconnected"|"peer-error","endpoint":..., "message":...}
Everything listens on and dials 127.0.0.1 only; LSD, UPnP, NAT-PMP, uTP and encryption are off, the DHT too unless asked.
"""
import json
import resource
import sys
import time

import libtorrent as lt
from lt_loopback import emit, loopback_session

options = json.loads(sys.argv[1])
deadline = time.monotonic() + float(options.get("lifetime", 120))


dht = {}
if options.get("dhtBootstrap"):
    # A DHT of loopback nodes: libtorrent's defaults ignore them (private addresses, unverified ids).
    dht = {"enable_dht": True, "dht_bootstrap_nodes": options["dhtBootstrap"], "dht_restrict_routing_ips": False,
           "dht_restrict_search_ips": False, "dht_ignore_dark_internet": False, "dht_prefer_verified_node_ids": False,
           "dht_enforce_node_id": False}
session = loopback_session(**dht)
if options.get("magnet"):
    params = lt.parse_magnet_uri(options["magnet"])
else:
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(options["torrent"])
params.save_path = options["savePath"]
handle = session.add_torrent(params)

ready = finished = False
next_dht_announce = 0.0
while time.monotonic() < deadline:
    status = handle.status()
    if not ready and status.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
        ready = True
        emit("ready", port=session.listen_port())
        if options.get("connect"):
            handle.connect_peer(("127.0.0.1", int(options["connect"])))
    if ready and dht and time.monotonic() >= next_dht_announce:
        handle.force_dht_announce()
        next_dht_announce = time.monotonic() + 2
    if ready and not finished and status.is_seeding:
        finished = True
        usage = resource.getrusage(resource.RUSAGE_SELF)
        emit("finished", cpuSeconds=usage.ru_utime + usage.ru_stime, maxRssKiB=usage.ru_maxrss)
    for alert in session.pop_alerts():
        if isinstance(alert, lt.metadata_received_alert):
            emit("metadata")
        elif isinstance(alert, lt.peer_connect_alert):
            emit("peer-connected", endpoint="%s:%d" % alert.endpoint)
        elif isinstance(alert, lt.peer_disconnected_alert):
            emit("peer-disconnected", endpoint="%s:%d" % alert.endpoint, message=alert.message())
        elif isinstance(alert, lt.peer_error_alert):
            emit("peer-error", endpoint="%s:%d" % alert.endpoint, message=alert.message())
    time.sleep(0.05)
emit("lifetime-expired")
