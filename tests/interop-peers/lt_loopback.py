"""What the libtorrent interop scripts share: JSON-line events on stdout and a session confined to 127.0.0.1.

The session listens on and dials 127.0.0.1 only, with DHT, LSD, UPnP, NAT-PMP and uTP off, several connections per
address allowed (every test peer is 127.0.0.1), plaintext out and encryption accepted in, and the alerts the scripts
report. A script passes overrides (e.g. forced encryption) as keyword arguments.
"""
import json
import sys

import libtorrent as lt


def emit(event, **fields):
    """Writes one JSON object with "event" and the given fields as a line on stdout, flushed."""
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def loopback_session(**overrides):
    """A libtorrent session on 127.0.0.1 with the shared settings, updated by overrides."""
    settings = {
        "listen_interfaces": "127.0.0.1:0",
        "outgoing_interfaces": "127.0.0.1",
        "enable_dht": False,
        "dht_bootstrap_nodes": "",
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "out_enc_policy": int(lt.enc_policy.disabled),
        "in_enc_policy": int(lt.enc_policy.enabled),
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification
                          | lt.alert.category_t.status_notification | lt.alert.category_t.connect_notification),
    }
    settings.update(overrides)
    return lt.session(settings)
