// The npm side of fuzz/capture-corpus.py: a bittorrent-protocol 5 seeder (with ut_metadata and ut_pex) and a
// bittorrent-dht node on 127.0.0.1, so the capture script can record what the WebTorrent family really sends.
//
// Usage: node capture-npm-peer.mjs '<json options>'
//   info        hex of a bencoded info dictionary (the torrent's metadata; its SHA-1 is the info hash)
//   data        hex of the torrent's content (one file, pieces of info's piece length)
//   lifetime    seconds before the process exits on its own (default 30)
// Prints {"event":"ready","port":P,"dhtPort":D} once both listen. Each connection gets: the handshake (DHT bit
// set), the extended handshake (ut_metadata, ut_pex), a bitfield with every piece, an unchoke once the peer is
// interested, the blocks it requests, the metadata pieces it asks for, and one PEX message naming two made-up peers
// right after its extended handshake (bittorrent-protocol would otherwise wait 65 s).
import net from 'node:net'
import crypto from 'node:crypto'
import Protocol from 'bittorrent-protocol'
import utMetadata from 'ut_metadata'
import utPex from 'ut_pex'
import DHT from 'bittorrent-dht'
import { emit, exitAfterLifetime, options } from './peer-common.mjs'

exitAfterLifetime(30)
const info = Buffer.from(options.info, 'hex')
const data = Buffer.from(options.data, 'hex')
const infoHash = crypto.createHash('sha1').update(info).digest('hex')
const pieceLength = Number(/12:piece lengthi(\d+)e/.exec(info.toString('latin1'))[1])
const pieces = Math.ceil(data.length / pieceLength)
const peerId = Buffer.from('-WW0001-' + crypto.randomBytes(6).toString('hex'))

const server = net.createServer(socket => {
  const wire = new Protocol()
  socket.pipe(wire).pipe(socket)
  socket.on('error', () => {})
  wire.use(utMetadata(info))
  wire.use(utPex())
  wire.on('handshake', () => {
    wire.handshake(infoHash, peerId, { dht: true })
    const bits = Buffer.alloc(Math.ceil(pieces / 8))
    for (let i = 0; i < pieces; i++) bits[i >> 3] |= 0x80 >> (i & 7)
    wire.bitfield(bits)
  })
  wire.on('extended', (ext) => {
    if (ext !== 'handshake' || !wire.ut_pex) return
    wire.ut_pex.addPeer('10.0.0.7:6881')
    wire.ut_pex.addPeer('10.0.0.8:51413')
    wire.ut_pex._sendMessage()
  })
  wire.on('interested', () => wire.unchoke())
  wire.on('request', (index, offset, length, respond) => {
    const start = index * pieceLength + offset
    respond(null, data.subarray(start, start + length))
  })
})

const dht = new DHT({ bootstrap: false, host: '127.0.0.1' })
dht.on('error', e => emit('error', { message: e.message }))
server.listen(0, '127.0.0.1', () => {
  dht.listen(0, '127.0.0.1', () => emit('ready', { port: server.address().port, dhtPort: dht.address().port }))
})
