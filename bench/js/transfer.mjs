// Loopback transfer with the npm bittorrent-protocol: two wires in this process joined by one TCP connection on
// 127.0.0.1; the requester keeps `depth` 16 KiB requests in flight until `sizeMiB` have moved.
// Usage: node transfer.mjs <sizeMiB> <depth>   (prints one JSON line: bytes, seconds, cpuSeconds)
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// The module is installed for the interop tests (npm ci in tests/interop-peers).
const here = path.dirname(fileURLToPath(import.meta.url))
const modulePath = path.join(here, '..', '..', 'tests', 'interop-peers', 'node_modules', 'bittorrent-protocol', 'index.js')
const { default: Protocol } = await import(pathToFileURL(modulePath).href)

const sizeMiB = Number(process.argv[2] ?? 1024)
const depth = Number(process.argv[3] ?? 64)
const block = 16384
const blocks = sizeMiB * 64
const piecesPerBlock = 16 // 256 KiB pieces
const data = Buffer.alloc(block, 7)
const infoHash = '01'.repeat(20)

const server = net.createServer(socket => {
  server.close()
  const seeder = new Protocol()
  socket.pipe(seeder).pipe(socket)
  seeder.on('handshake', () => seeder.handshake(infoHash, '02'.repeat(20)))
  seeder.on('interested', () => seeder.unchoke())
  seeder.on('request', (index, offset, length, respond) => respond(null, data))
})
server.listen(0, '127.0.0.1', () => {
  const socket = net.connect(server.address().port, '127.0.0.1', () => {
    const leecher = new Protocol()
    socket.pipe(leecher).pipe(socket)
    leecher.handshake(infoHash, '03'.repeat(20))
    leecher.on('unchoke', () => {
      const started = process.hrtime.bigint()
      const cpu = process.cpuUsage()
      let sent = 0
      let done = 0
      const next = () => {
        const n = sent++
        leecher.request(Math.floor(n / piecesPerBlock), (n % piecesPerBlock) * block, block, (err) => {
          if (err) throw err
          if (++done === blocks) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9
            const used = process.cpuUsage(cpu)
            process.stdout.write(JSON.stringify({ bytes: blocks * block, seconds, cpuSeconds: (used.user + used.system) / 1e6 }) + '\n')
            process.exit(0)
          } else if (sent < blocks) next()
        })
      }
      for (let i = 0; i < Math.min(depth, blocks); i++) next()
    })
    leecher.interested()
  })
})
