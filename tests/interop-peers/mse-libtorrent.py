#!/usr/bin/python3
"""A libtorrent 2.0 session that requires encryption (MSE/PE), seeding or downloading one torrent on 127.0.0.1, for
the BitTorrent.Encryption interop tests.

Usage: /usr/bin/python3 mse-libtorrent.py '<json options>'
  torrent        path of the .torrent file
  savePath       folder holding the complete file (seed) or an empty folder (leech)
  level          "rc4", "plaintext" (header-only MSE) or "both": libtorrent's allowed_enc_level
  lifetime       seconds before the process exits on its own (default 60)

Reports one JSON object per line on stdout:
  {"event":"ready","port":P,"seeding":bool}     once the torrent is checked
  {"event":"finished"}                          when a download completes (every piece passed its hash)
  {"event":"peer-connected"|"peer-disconnected"|"peer-error","endpoint":..., "message":...}
Reads commands, one JSON object per line, on stdin:
  {"cmd":"connect","port":P}   dial a peer on 127.0.0.1:P
Both out_enc_policy and in_enc_policy are forced: plaintext BitTorrent is refused both ways.
Everything listens on and dials 127.0.0.1 only; DHT, LSD, UPnP, NAT-PMP and uTP are off.
"""
import json
import queue
import sys
import threading
import time

import libtorrent as lt
from lt_loopback import emit, loopback_session

options = json.loads(sys.argv[1])
deadline = time.monotonic() + float(options.get("lifetime", 60))
levels = {"rc4": lt.enc_level.rc4, "plaintext": lt.enc_level.plaintext, "both": lt.enc_level.both}


def main():
    level = levels[options.get("level", "rc4")]
    session = loopback_session(
        out_enc_policy=int(lt.enc_policy.forced),
        in_enc_policy=int(lt.enc_policy.forced),
        allowed_enc_level=int(level),
        prefer_rc4=level == lt.enc_level.rc4,
    )
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(options["torrent"])
    params.save_path = options["savePath"]
    handle = session.add_torrent(params)

    commands = queue.Queue()

    def read_commands():
        for line in sys.stdin:
            if line.strip():
                commands.put(json.loads(line))
        commands.put(None)

    threading.Thread(target=read_commands, daemon=True).start()

    ready = False
    finished = False
    while time.monotonic() < deadline:
        status = handle.status()
        if not ready and status.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
            ready = True
            emit("ready", port=session.listen_port(), seeding=status.is_seeding)
            finished = status.is_seeding
        if ready and not finished and status.is_seeding:
            finished = True
            emit("finished")
        try:
            command = commands.get(timeout=0.05)
        except queue.Empty:
            command = ""
        if command is None:
            return
        if command and command["cmd"] == "connect":
            handle.connect_peer(("127.0.0.1", int(command["port"])))
        for alert in session.pop_alerts():
            if isinstance(alert, lt.peer_connect_alert):
                emit("peer-connected", endpoint="%s:%d" % alert.endpoint)
            elif isinstance(alert, lt.peer_disconnected_alert):
                emit("peer-disconnected", endpoint="%s:%d" % alert.endpoint, message=alert.message())
            elif isinstance(alert, lt.peer_error_alert):
                emit("peer-error", endpoint="%s:%d" % alert.endpoint, message=alert.message())
    emit("lifetime-expired")


main()
