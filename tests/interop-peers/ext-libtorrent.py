#!/usr/bin/python3
"""A libtorrent 2.0 session seeding one v1-only torrent on 127.0.0.1, for the BitTorrent.Extensions interop tests.

Usage: /usr/bin/python3 ext-libtorrent.py '<json options>'
  pieceLength, pieceCount   torrent geometry; byte at offset o of the single file is (o * 13 + 7) & 0xff
  lifetime                  seconds before the process exits on its own (default 60)

Reports one JSON object per line on stdout:
  {"event":"ready","port":P,"infoHash":hex,"infoFile":path}   once the torrent is seeding
  {"event":"peer-connected"|"peer-disconnected"|"peer-error","endpoint":..., "message":...}
  {"event":"peers","peers":[{"endpoint":..,"client":..}]}      answer to "peers"
Reads commands, one JSON object per line, on stdin:
  {"cmd":"connect","port":P}   dial a peer on 127.0.0.1:P
  {"cmd":"peers"}              list the connected peers
  {"cmd":"truncate","size":n}  cut the seeded file to n bytes (its later pieces can no longer be read)
Everything listens on and dials 127.0.0.1 only; DHT, LSD, UPnP, NAT-PMP, uTP and encryption are off.
"""
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time

import libtorrent as lt
from lt_loopback import emit, loopback_session

options = json.loads(sys.argv[1])
piece_length = int(options.get("pieceLength", 16384))
piece_count = int(options.get("pieceCount", 8))
deadline = time.monotonic() + float(options.get("lifetime", 60))


def main(workdir):
    size = piece_length * piece_count
    path = os.path.join(workdir, "ext.bin")
    with open(path, "wb") as f:
        f.write(bytes(((o * 13 + 7) & 0xFF) for o in range(size)))

    fs = lt.file_storage()
    lt.add_files(fs, path)
    creator = lt.create_torrent(fs, piece_length, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(creator, workdir)
    torrent = creator.generate()
    info_bytes = lt.bencode(torrent[b"info"])
    info_file = os.path.join(workdir, "info.bin")
    with open(info_file, "wb") as f:
        f.write(info_bytes)
    ti = lt.torrent_info(torrent)

    session = loopback_session()
    params = lt.add_torrent_params()
    params.ti = ti
    params.save_path = workdir
    handle = session.add_torrent(params)

    commands = queue.Queue()

    def read_commands():
        for line in sys.stdin:
            if line.strip():
                commands.put(json.loads(line))
        commands.put(None)

    threading.Thread(target=read_commands, daemon=True).start()

    ready = False
    while time.monotonic() < deadline:
        if not ready and handle.status().is_seeding:
            ready = True
            emit("ready", port=session.listen_port(), infoHash=str(ti.info_hash()), infoFile=info_file)
        try:
            command = commands.get(timeout=0.05)
        except queue.Empty:
            command = ""
        if command is None:
            return
        if command:
            if command["cmd"] == "connect":
                handle.connect_peer(("127.0.0.1", int(command["port"])))
            elif command["cmd"] == "truncate":
                with open(path, "r+b") as f:
                    f.truncate(int(command.get("size", 0)))
            elif command["cmd"] == "peers":
                emit("peers", peers=[{"endpoint": "%s:%d" % p.ip, "client": p.client.decode("utf-8", "replace") if isinstance(p.client, bytes) else p.client} for p in handle.get_peer_info()])
            emit("done", cmd=command["cmd"])
        for alert in session.pop_alerts():
            if isinstance(alert, lt.peer_connect_alert):
                emit("peer-connected", endpoint="%s:%d" % alert.endpoint)
            elif isinstance(alert, lt.peer_disconnected_alert):
                emit("peer-disconnected", endpoint="%s:%d" % alert.endpoint, message=alert.message())
            elif isinstance(alert, lt.peer_error_alert):
                emit("peer-error", endpoint="%s:%d" % alert.endpoint, message=alert.message())
    emit("lifetime-expired")


workdir = tempfile.mkdtemp(prefix="ext-lt-")
try:
    main(workdir)
finally:
    shutil.rmtree(workdir, ignore_errors=True)
