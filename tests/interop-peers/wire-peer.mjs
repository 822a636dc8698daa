// A scripted npm bittorrent-protocol 5 wire for the BitTorrent.Wire interop tests.
//
// Usage: node wire-peer.mjs '<json options>'
//   mode        "listen" (accept one connection on 127.0.0.1) or "connect" (to port)
//   port        where to connect, or 0 to listen on any port
//   infoHash    40 hex digits
//   fast, dht   reserved bits to announce
//   pieceLength content geometry: the byte at offset o of the torrent is (o * 13 + 7) & 0xff
//   serve       true: answer block requests with that content
//   lifetime    seconds before the process exits on its own (default 30)
//
// Reports one JSON object per line on stdout ({"event": ...}); reads commands, one JSON object per line, on stdin:
//   {"cmd":"choke"|"unchoke"|"interested"|"uninterested"|"haveAll"|"haveNone"|"keepAlive"|"end"}
//   {"cmd":"have"|"suggest"|"allowedFast","index":i}   {"cmd":"bitfield","hex":"ff80"}   {"cmd":"port","port":p}
//   {"cmd":"request","index":i,"begin":b,"length":l}   {"cmd":"cancel",...}   {"cmd":"reject",...}
//   {"cmd":"download","pieces":n}   (requests every 16 KiB block of pieces 0..n-1 and checks them)
//   {"cmd":"echo","payload":"text"}  (an x_echo extended message)
import net from 'node:net'
import crypto from 'node:crypto'
import readline from 'node:readline'
import Protocol from 'bittorrent-protocol'
import { contentBlock, emit, exitAfterLifetime, options } from './peer-common.mjs'

const peerId = Buffer.from('-NW0001-' + crypto.randomBytes(6).toString('hex'))
exitAfterLifetime(30)

const sha1 = buf => crypto.createHash('sha1').update(buf).digest('hex')

// A tiny extension on both sides of the tests: reports what it receives.
function xEcho (wire) {
  this.wire = wire
}
xEcho.prototype.name = 'x_echo'
xEcho.prototype.onExtendedHandshake = function (handshake) { emit('x_echo-handshake') }
xEcho.prototype.onMessage = function (buf) { emit('x_echo', { payload: Buffer.from(buf).toString() }) }

function setUp (socket) {
  const wire = new Protocol()
  socket.pipe(wire).pipe(socket)
  wire.use(xEcho)
  const extensions = { fast: !!options.fast, dht: !!options.dht }
  let handshakeSent = false
  const sendHandshake = () => {
    if (handshakeSent) return
    handshakeSent = true
    wire.handshake(options.infoHash, peerId, extensions)
  }
  wire.on('handshake', (infoHash, id, ext) => {
    emit('handshake', { infoHash, peerId: id, extensions: ext, hasFast: wire.hasFast })
    sendHandshake()
  })
  wire.on('extended', (name, payload) => {
    if (name === 'handshake') {
      emit('extended-handshake', { m: payload.m ? Object.fromEntries(Object.entries(payload.m)) : {}, reqq: payload.reqq, v: payload.v ? Buffer.from(payload.v).toString() : null })
    }
  })
  for (const name of ['choke', 'unchoke', 'interested', 'uninterested', 'have-all', 'have-none', 'keep-alive']) {
    wire.on(name, () => emit(name))
  }
  wire.on('have', index => emit('have', { index }))
  wire.on('bitfield', bits => emit('bitfield', { hex: Buffer.from(bits.buffer).toString('hex') }))
  wire.on('suggest', index => emit('suggest', { index }))
  wire.on('allowed-fast', index => emit('allowed-fast', { index }))
  wire.on('reject', (index, begin, length) => emit('reject', { index, begin, length }))
  wire.on('cancel', (index, begin, length) => emit('cancel', { index, begin, length }))
  wire.on('port', port => emit('port', { port }))
  wire.on('request', (index, begin, length, respond) => {
    emit('request', { index, begin, length })
    if (options.serve) respond(null, contentBlock(index, begin, length))
  })
  wire.on('close', () => emit('close'))
  wire.on('end', () => emit('end'))

  const request = (index, begin, length) => new Promise(resolve => {
    wire.request(index, begin, length, (err, block) => resolve(err ? { error: err.message } : { block }))
  })

  const commands = readline.createInterface({ input: process.stdin })
  commands.on('line', async line => {
    const c = JSON.parse(line)
    try {
      switch (c.cmd) {
        case 'choke': wire.choke(); break
        case 'unchoke': wire.unchoke(); break
        case 'interested': wire.interested(); break
        case 'uninterested': wire.uninterested(); break
        case 'haveAll': wire.haveAll(); break
        case 'haveNone': wire.haveNone(); break
        case 'keepAlive': wire.keepAlive(); break
        case 'have': wire.have(c.index); break
        case 'suggest': wire.suggest(c.index); break
        case 'allowedFast': wire.allowedFast(c.index); break
        case 'bitfield': wire.bitfield(Buffer.from(c.hex, 'hex')); break
        case 'port': wire.port(c.port); break
        case 'cancel': wire.cancel(c.index, c.begin, c.length); break
        case 'reject': wire.reject(c.index, c.begin, c.length); break
        case 'echo': wire.extended('x_echo', Buffer.from(c.payload)); break
        case 'end': wire.end(); break
        case 'request': {
          const result = await request(c.index, c.begin, c.length)
          emit('request-done', result.error ? { index: c.index, begin: c.begin, error: result.error }
            : { index: c.index, begin: c.begin, ok: Buffer.compare(result.block, contentBlock(c.index, c.begin, c.length)) === 0 })
          break
        }
        case 'download': {
          const pieces = []
          for (let piece = 0; piece < c.pieces; piece++) {
            const blocks = []
            for (let begin = 0; begin < options.pieceLength; begin += 16384) blocks.push(request(piece, begin, Math.min(16384, options.pieceLength - begin)))
            const results = await Promise.all(blocks)
            const failed = results.find(r => r.error)
            if (failed) { emit('download-done', { ok: false, error: failed.error, piece }); return }
            const data = Buffer.concat(results.map(r => r.block))
            pieces.push(sha1(data) === sha1(contentBlock(piece, 0, options.pieceLength)))
          }
          emit('download-done', { ok: pieces.every(Boolean), pieces: pieces.length, downloaded: wire.downloaded })
          break
        }
        default: emit('unknown-command', { cmd: c.cmd })
      }
    } catch (err) {
      emit('command-error', { cmd: c.cmd, message: err.message })
    }
  })
  if (options.mode === 'connect') sendHandshake()
}

if (options.mode === 'listen') {
  const server = net.createServer(socket => { server.close(); setUp(socket) })
  server.listen(options.port ?? 0, '127.0.0.1', () => emit('listening', { port: server.address().port }))
} else {
  const socket = net.connect(options.port, '127.0.0.1', () => { emit('connected'); setUp(socket) })
  socket.on('error', err => { emit('socket-error', { message: err.message }); process.exit(3) })
}
