// A bittorrent-protocol wire with the npm ut_pex, lt_donthave and ut_metadata extensions, driven by the
// BitTorrent.Extensions interop tests.
//
// Usage: node ext-peer.mjs '<json options>'
//   mode          "listen" (accept one connection on 127.0.0.1, port 0 = any) or "connect"
//   host, port    where to connect (connect mode) or listen
//   infoHash      40 hex digits
//   metadataFile  path of a raw info dictionary to serve with ut_metadata (optional)
//   fetch         true: fetch the metadata with ut_metadata and report it
//   pieceLength, pieceCount  torrent geometry for serving blocks (byte at offset o is (o * 13 + 7) & 0xff)
//   serve         true: answer block requests; false: hold them (for donthave tests)
//   fast          true: set the Fast extension bit
//   lifetime      seconds before the process exits on its own (default 60)
//
// Reports one JSON object per line on stdout: {"event": ...}. Reads commands, one JSON object per line, on stdin:
//   {"cmd":"pex-add","peer":"1.2.3.4:5","v6":false,"flags":{...}}   {"cmd":"pex-drop","peer":...,"v6":...}
//   {"cmd":"pex-send"} (sends the pending PEX message now instead of after 65 s)
//   {"cmd":"donthave","index":i}   {"cmd":"have","index":i}   {"cmd":"request","index":i,"begin":b,"length":l}
//   {"cmd":"destroy"}
import net from 'node:net'
import fs from 'node:fs'
import readline from 'node:readline'
import Protocol from 'bittorrent-protocol'
import utPex from 'ut_pex'
import ltDontHave from 'lt_donthave'
import utMetadata from 'ut_metadata'
import { contentBlock, emit, exitAfterLifetime, options } from './peer-common.mjs'

const peerId = Buffer.from('-NX0001-' + Math.random().toString(16).slice(2, 14).padEnd(12, '0'))
exitAfterLifetime(60)

function setUp (socket) {
  const wire = new Protocol()
  socket.pipe(wire).pipe(socket)
  const metadata = options.metadataFile ? fs.readFileSync(options.metadataFile) : undefined
  wire.use(utPex())
  wire.use(ltDontHave())
  wire.use(utMetadata(metadata))

  wire.ut_pex.on('peer', (peer, flags) => emit('pex-peer', { peer, flags }))
  wire.ut_pex.on('dropped', peer => emit('pex-dropped', { peer }))
  wire.ut_pex.on('warning', err => emit('pex-warning', { message: err.message }))
  wire.lt_donthave.on('donthave', index => emit('donthave', { index }))
  wire.ut_metadata.on('metadata', torrent => emit('metadata', { torrent: Buffer.from(torrent).toString('hex') }))
  wire.ut_metadata.on('warning', err => emit('metadata-warning', { message: err.message }))
  if (options.fetch) wire.ut_metadata.fetch()

  const extensions = { fast: !!options.fast }
  let handshakeSent = false
  const sendHandshake = () => {
    if (handshakeSent) return
    handshakeSent = true
    wire.handshake(options.infoHash, peerId, extensions)
  }
  wire.on('handshake', (infoHash, remotePeerId, remoteExtensions) => {
    emit('handshake', { infoHash, peerId: remotePeerId, extensions: remoteExtensions })
    sendHandshake()
    if (options.pieceCount) {
      if (wire.hasFast) wire.haveAll()
      else {
        const bits = Buffer.alloc(Math.ceil(options.pieceCount / 8))
        for (let i = 0; i < options.pieceCount; i++) bits[i >> 3] |= 0x80 >> (i % 8)
        wire.bitfield(bits)
      }
    }
    wire.unchoke()
  })
  wire.on('extended', (ext, payload) => {
    if (ext === 'handshake') {
      const m = {}
      for (const name in payload.m ?? {}) m[name] = Number(payload.m[name])
      emit('extended-handshake', { m, metadata_size: payload.metadata_size ?? null })
    }
  })
  wire.on('request', (index, begin, length, respond) => {
    emit('request', { index, begin, length })
    if (options.serve) respond(null, contentBlock(index, begin, length))
  })
  wire.on('reject', (index, begin, length) => emit('reject', { index, begin, length }))
  wire.on('close', () => { emit('close'); process.exit(0) })
  socket.on('error', err => emit('socket-error', { message: err.message }))
  socket.on('close', () => { emit('close'); process.exit(0) })
  if (options.mode === 'connect') sendHandshake()

  const commands = readline.createInterface({ input: process.stdin })
  commands.on('line', line => {
    let command
    try {
      command = JSON.parse(line)
      switch (command.cmd) {
        case 'pex-add':
          if (command.v6) wire.ut_pex.addPeer6(command.peer, command.flags ?? {})
          else wire.ut_pex.addPeer(command.peer, command.flags ?? {})
          break
        case 'pex-drop':
          if (command.v6) wire.ut_pex.dropPeer6(command.peer)
          else wire.ut_pex.dropPeer(command.peer)
          break
        case 'pex-send': wire.ut_pex._sendMessage(); break
        case 'donthave': wire.lt_donthave.donthave(command.index); break
        case 'have': wire.have(command.index); break
        case 'request':
          wire.interested()
          wire.request(command.index, command.begin, command.length, (err, block) => {
            if (err) emit('request-error', { index: command.index, begin: command.begin, message: err.message })
            else emit('piece', { index: command.index, begin: command.begin, data: Buffer.from(block).toString('hex') })
          })
          break
        case 'destroy': wire.destroy(); break
        default: emit('error', { message: 'unknown command ' + command.cmd })
      }
      emit('done', { cmd: command.cmd })
    } catch (err) {
      emit('error', { message: err.message, cmd: command?.cmd })
    }
  })
  commands.on('close', () => process.exit(0))
}

if (options.mode === 'listen') {
  const server = net.createServer(socket => { server.close(); setUp(socket) })
  server.listen(options.port ?? 0, '127.0.0.1', () => emit('listening', { port: server.address().port }))
} else {
  const socket = net.connect(options.port, options.host ?? '127.0.0.1')
  socket.on('connect', () => emit('connected'))
  setUp(socket)
}
