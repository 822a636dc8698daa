// WebTorrent 1.9.7 (the npm `webtorrent` client under Node) seeding or downloading one torrent on 127.0.0.1, for the
// BitTorrent.Client interop tests. CommonJS: webtorrent 1.x is a CommonJS package (2.x needs node-datachannel, a
// native WebRTC build, even with WebRTC unused).
//
// Usage: node webtorrent-peer.cjs '<json options>'
//   torrent   path of the .torrent file
//   path      the directory the torrent's data is (seeding) or goes (downloading) under
//   peer      "127.0.0.1:P" to dial once the torrent is added (optional)
//   lifetime  seconds before the process exits on its own (default 120)
// Events, one JSON object per line on stdout:
//   {"event":"ready","port":P}       the torrent is added, its existing data checked, and the client listens on P
//   {"event":"finished"}             every piece is downloaded and verified (at once for a complete seed)
//   {"event":"wire","address":...}   a peer connection opened
//   {"event":"error","message":...}
// DHT, trackers, LSD, uTP and web seeds are off: peers only from `peer` and incoming connections.
'use strict'
const fs = require('fs')
const WebTorrent = require('webtorrent')

const options = JSON.parse(process.argv[2])
const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + '\n')
setTimeout(() => { emit('lifetime-expired'); process.exit(2) }, (options.lifetime ?? 120) * 1000).unref()

const client = new WebTorrent({ dht: false, tracker: false, lsd: false, utp: false, webSeeds: false, torrentPort: 0 })
client.on('error', err => { emit('error', { message: err.message }); process.exit(1) })

const torrent = client.add(fs.readFileSync(options.torrent), { path: options.path })
torrent.on('error', err => { emit('error', { message: err.message }); process.exit(1) })
torrent.on('wire', (wire, address) => emit('wire', { address }))
torrent.on('ready', () => {
  emit('ready', { port: client.torrentPort })
  if (options.peer) torrent.addPeer(options.peer)
  if (torrent.done) emit('finished')
})
torrent.on('done', () => emit('finished'))
