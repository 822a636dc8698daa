#!/usr/bin/python3
"""Records what real peers send, as fuzz seeds: libtorrent 2.0 (python3-libtorrent) and the npm WebTorrent family
(bittorrent-protocol 5 with ut_metadata and ut_pex, bittorrent-dht), both on 127.0.0.1.

Usage: fuzz/capture-corpus.py [corpus dir, default fuzz/corpus]

For each peer it seeds a small torrent (three pieces), and this script plays a downloader over a raw socket: our
handshake (extension, Fast and DHT bits), an extended handshake naming ut_metadata, ut_pex and lt_donthave,
interested, a ut_metadata request for piece 0 and block requests once unchoked; it records every byte the peer sends
for a few seconds. Over UDP it sends the peer's DHT node ping, find_node, get_peers, announce_peer and
sample_infohashes and records every datagram that comes back (answers, and queries the node sends on its own).

The recordings become seeds of the targets that read them, named captured_<peer>*.bin:
  handshake           the whole stream (the peer's handshake and what follows)
  wire, framing, framing_split   the message stream after the handshake
  extended_handshake  the peer's extended handshake dictionary;  ut_metadata, ut_pex  their extended payloads
  krpc                each datagram;  dht_node  all datagrams as the target's records (source, length, bytes)
`seeds` (our own writers) never overwrites these. Needs python3-libtorrent and tests/interop-peers' npm packages
(scripts/install-test-deps.sh installs both). Every process it starts is stopped by its id.
"""
import hashlib
import json
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "tests", "interop-peers")
sys.path.insert(0, PEERS)
import libtorrent as lt  # noqa: E402
from lt_loopback import loopback_session  # noqa: E402

PIECE = 16384
DATA = bytes((i * 13 + 7) & 0xFF for i in range(2 * PIECE + 5000))
OUR_ID = b"-BT0001-capture00001"


def bencode(value):
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    return b"d" + b"".join(bencode(k) + bencode(value[k]) for k in sorted(value)) + b"e"


def bdecode(data, at=0):
    """Decodes one value at `at`; returns (value, end). Enough for the dictionaries peers send back."""
    c = data[at:at + 1]
    if c == b"i":
        end = data.index(b"e", at)
        return int(data[at + 1:end]), end + 1
    if c in (b"l", b"d"):
        items, at = [], at + 1
        while data[at:at + 1] != b"e":
            item, at = bdecode(data, at)
            items.append(item)
        return (dict(zip(items[::2], items[1::2])) if c == b"d" else items), at + 1
    colon = data.index(b":", at)
    length = int(data[at:colon])
    return data[colon + 1:colon + 1 + length], colon + 1 + length


INFO = bencode({"length": len(DATA), "name": "capture.bin", "piece length": PIECE,
                "pieces": b"".join(hashlib.sha1(DATA[i:i + PIECE]).digest() for i in range(0, len(DATA), PIECE))})
INFO_HASH = hashlib.sha1(INFO).digest()
PIECES = (len(DATA) + PIECE - 1) // PIECE


def frames(stream):
    """Splits a message stream into (id, payload) pairs (id None for a keep-alive); stops at a partial frame."""
    at = 0
    while at + 4 <= len(stream):
        (length,) = struct.unpack(">I", stream[at:at + 4])
        if at + 4 + length > len(stream):
            break
        body = stream[at + 4:at + 4 + length]
        yield (body[0] if body else None), body[1:]
        at += 4 + length


def play_downloader(port, seconds):
    """Our side of one connection; returns every byte the peer sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    reserved = bytes([0, 0, 0, 0, 0, 0x10, 0, 0x05])
    sock.sendall(b"\x13BitTorrent protocol" + reserved + INFO_HASH + OUR_ID)
    ours = bencode({"m": {"ut_metadata": 3, "ut_pex": 1, "lt_donthave": 7}, "p": 6881, "reqq": 250, "v": "capture"})
    sock.sendall(struct.pack(">IBB", len(ours) + 2, 20, 0) + ours + struct.pack(">IB", 1, 2))
    received, asked_metadata, asked_blocks = b"", False, False
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.2)
        if not ready:
            continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
        for message_id, payload in frames(received[68:]):
            if message_id == 20 and payload[:1] == b"\x00" and not asked_metadata:
                theirs, _ = bdecode(payload, 1)
                metadata_id = theirs.get(b"m", {}).get(b"ut_metadata")
                if metadata_id:
                    request = bencode({"msg_type": 0, "piece": 0})
                    sock.sendall(struct.pack(">IBB", len(request) + 2, 20, metadata_id) + request)
                asked_metadata = True
            if message_id == 1 and not asked_blocks:
                for index in range(PIECES):
                    size = min(PIECE, len(DATA) - index * PIECE)
                    sock.sendall(struct.pack(">IBIII", 13, 6, index, 0, size))
                asked_blocks = True
    sock.close()
    return received


def query_dht(port, seconds):
    """Queries a DHT node on 127.0.0.1:port; returns every datagram received."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    node_id = hashlib.sha1(b"capture").digest()

    def query(tid, name, args):
        args = dict(args, id=node_id)
        sock.sendto(bencode({"t": tid, "y": "q", "q": name, "a": args}), ("127.0.0.1", port))

    query(b"p1", "ping", {})
    query(b"f1", "find_node", {"target": INFO_HASH})
    query(b"g1", "get_peers", {"info_hash": INFO_HASH})
    query(b"s1", "sample_infohashes", {"target": INFO_HASH})
    received, announced = [], False
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.2)
        if not ready:
            continue
        datagram, _ = sock.recvfrom(65536)
        received.append(datagram)
        try:
            message, _ = bdecode(datagram)
        except (ValueError, IndexError):
            continue
        token = message.get(b"r", {}).get(b"token") if isinstance(message.get(b"r"), dict) else None
        if message.get(b"t") == b"g1" and token and not announced:
            query(b"a1", "announce_peer", {"info_hash": INFO_HASH, "port": 6881, "token": token})
            announced = True
    sock.close()
    return received


def save(corpus, peer, stream, datagrams):
    def write(target, name, data):
        folder = os.path.join(corpus, target)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        print("  %-20s %-40s %6d bytes" % (target, name, len(data)))

    write("handshake", "captured_%s.bin" % peer, stream)
    messages = stream[68:]
    for target in ("wire", "framing", "framing_split"):
        write(target, "captured_%s.bin" % peer, messages)
    # Extended messages to us carry the ids our handshake gave: 3 for ut_metadata, 1 for ut_pex.
    for n, (message_id, payload) in enumerate(frames(messages)):
        if message_id != 20:
            continue
        if payload[:1] == b"\x00":
            write("extended_handshake", "captured_%s.bin" % peer, payload[1:])
        elif payload[:1] == b"\x03":
            write("ut_metadata", "captured_%s_%d.bin" % (peer, n), payload[1:])
        elif payload[:1] == b"\x01":
            write("ut_pex", "captured_%s_%d.bin" % (peer, n), payload[1:])
    records = b""
    for n, datagram in enumerate(datagrams):
        write("krpc", "captured_%s_%d.bin" % (peer, n), datagram)
        records += bytes([0x21]) + struct.pack(">H", len(datagram)) + datagram
    if datagrams:
        write("dht_node", "captured_%s.bin" % peer, records)


def capture_libtorrent(corpus, work):
    with open(os.path.join(work, "capture.bin"), "wb") as f:
        f.write(DATA)
    torrent = lt.torrent_info(lt.bdecode(b"d4:info" + INFO + b"e"))
    session = loopback_session(enable_dht=True, dht_restrict_routing_ips=False, dht_restrict_search_ips=False,
                               dht_ignore_dark_internet=False, dht_enforce_node_id=False)
    handle = session.add_torrent({"ti": torrent, "save_path": work})
    deadline = time.monotonic() + 30
    while not handle.status().is_seeding:
        if time.monotonic() > deadline:
            raise RuntimeError("libtorrent did not finish checking")
        time.sleep(0.1)
    port = session.listen_port()
    print("libtorrent %s on 127.0.0.1:%d" % (lt.__version__, port))
    stream = play_downloader(port, 4)
    datagrams = query_dht(port, 3)
    save(corpus, "libtorrent", stream, datagrams)


def capture_npm(corpus):
    node = subprocess.Popen(["node", os.path.join(PEERS, "capture-npm-peer.mjs"),
                             json.dumps({"info": INFO.hex(), "data": DATA.hex(), "lifetime": 60})],
                            cwd=PEERS, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        ready = json.loads(node.stdout.readline())
        print("npm bittorrent-protocol on 127.0.0.1:%d, bittorrent-dht on %d" % (ready["port"], ready["dhtPort"]))
        stream = play_downloader(ready["port"], 3)
        datagrams = query_dht(ready["dhtPort"], 2)
        save(corpus, "npm", stream, datagrams)
    finally:
        node.kill()
        node.wait()


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fuzz", "corpus")
    with tempfile.TemporaryDirectory() as work:
        capture_libtorrent(corpus, work)
    capture_npm(corpus)


if __name__ == "__main__":
    main()
