#!/usr/bin/python3
"""libtorrent 2.0 as the reference for the BitTorrent.Metainfo interop tests: it creates torrents and reads ours.

Usage: /usr/bin/python3 metainfo-libtorrent.py '<json options>'
  {"cmd":"create","path":P,"pieceLength":N,"output":F}   lt.create_torrent (v1 only) of file or directory P, written to F
  {"cmd":"load","torrent":F,"savePath":D}                 lt.torrent_info(F); then a session (no network but 127.0.0.1)
                                                          checks the files under D against it
Prints one JSON object on stdout: {"infoHash":hex,"name":..,"pieceLength":..,"files":[[path,size,padding],..],
"trackers":[[url,tier],..],"webSeeds":[..],"private":bool} plus, for load, {"checkedPieces":n,"seeding":bool}.
"""
import json
import os
import sys
import time

import libtorrent as lt

options = json.loads(sys.argv[1])


def describe(info):
    files = info.files()
    return {
        "infoHash": str(info.info_hashes().v1),
        "name": info.name(),
        "pieceLength": info.piece_length(),
        "files": [[files.file_path(i).replace(os.sep, "/"), files.file_size(i), bool(files.file_flags(i) & lt.file_storage.flag_pad_file)]
                  for i in range(files.num_files())],
        "trackers": [[t.url, t.tier] for t in info.trackers()],
        "webSeeds": [w["url"] for w in info.web_seeds()],
        "private": info.priv(),
    }


def check(info, save_path):
    session = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "alert_mask": lt.alert.category_t.status_notification | lt.alert.category_t.error_notification,
    })
    handle = session.add_torrent({"ti": info, "save_path": save_path})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = handle.status()
        if status.state in (lt.torrent_status.seeding, lt.torrent_status.downloading, lt.torrent_status.finished) and not status.paused:
            return {"checkedPieces": status.num_pieces, "seeding": status.is_seeding}
        session.wait_for_alert(200)
        session.pop_alerts()
    raise TimeoutError("libtorrent did not finish checking within 60 s")


if options["cmd"] == "create":
    storage = lt.file_storage()
    lt.add_files(storage, options["path"])
    creator = lt.create_torrent(storage, int(options["pieceLength"]), flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(creator, os.path.dirname(os.path.abspath(options["path"])))
    data = lt.bencode(creator.generate())
    with open(options["output"], "wb") as output:
        output.write(data)
    result = describe(lt.torrent_info(options["output"]))
elif options["cmd"] == "load":
    info = lt.torrent_info(options["torrent"])
    result = describe(info)
    result.update(check(info, options["savePath"]))
else:
    raise SystemExit(f"unknown command {options['cmd']}")
print(json.dumps(result), flush=True)
