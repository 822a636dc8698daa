// The WebTorrent project's bittorrent-tracker server on loopback, HTTP and UDP (no WebSocket, no stats page), for the
// tracker interop tests. Options (argv[2], JSON): interval (ms), lifetime (s). Prints
// {"event":"listening","http":PORT,"udp":PORT} once both sockets are bound; exits when stdin closes.
import { Server } from 'bittorrent-tracker'
import { options, emit, exitAfterLifetime } from './peer-common.mjs'

exitAfterLifetime(120)
const server = new Server({ http: true, udp: true, ws: false, stats: false, interval: options.interval ?? 600000 })
server.on('error', err => { emit('error', { message: err.message }); process.exit(1) })
server.on('warning', err => emit('warning', { message: err.message }))
server.on('listening', () => emit('listening', { http: server.http.address().port, udp: server.udp4.address().port }))
server.listen({ http: 0, udp: 0 }, { http: '127.0.0.1', udp: '127.0.0.1', udp6: '::1' })
process.stdin.on('end', () => server.close(() => process.exit(0)))
process.stdin.resume()
