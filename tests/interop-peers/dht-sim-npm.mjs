// Measures bittorrent-dht on a DHT of N of its own nodes on 127.0.0.1 UDP, the same way the .NET simulation
// measures ours: announce a random info hash from a random node, look it up from another random node, and count
// the datagrams the looking node sends while the lookup runs, the hops to the first node that answered with peers,
// and the heap each node takes. Bootstrap lists are always explicit loopback addresses (never the public routers).
//
// usage: node --expose-gc dht-sim-npm.mjs [nodes=200] [lookups=50] [loss=0] [seed=1]
// loss drops that fraction of every node's outgoing datagrams (seeded), like the simulation's per-datagram loss.
// prints one JSON line with the figures.
import DHT from 'bittorrent-dht'
import bencode from 'bencode'
import crypto from 'crypto'
import fs from 'fs'

const nodes = Number(process.argv[2] ?? 200)
const lookups = Number(process.argv[3] ?? 50)
const loss = Number(process.argv[4] ?? 0)
let seed = Number(process.argv[5] ?? 1) >>> 0

// mulberry32: a small seeded PRNG, so node choice and loss are repeatable (UDP timing is not).
function random () {
  seed = (seed + 0x6D2B79F5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = n => Math.floor(random() * n)

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc')
  process.exit(2)
}

// Heap plus external memory (node ids, tokens and packets are Buffers, which live outside the JS heap).
function heap () {
  global.gc(); global.gc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, external: m.external, rss: m.rss }
}

// Counts (and with loss > 0, drops) every datagram a node sends; lets the test see what it receives.
function instrument (dht) {
  const socket = dht._rpc.socket.socket
  const send = socket.send.bind(socket)
  dht.sent = 0
  dht.sentBytes = 0
  dht.onsend = null
  socket.send = (...args) => {
    // k-rpc-socket sends (buf, offset, length, port, host, cb); dgram re-enters send with (list, port, host, cb)
    // when it queues a datagram, which must be neither counted twice nor dropped twice.
    if (args.length === 6) {
      dht.sent++
      dht.sentBytes += args[2]
      if (dht.onsend) dht.onsend(args[3])
      if (loss > 0 && random() < loss) {
        process.nextTick(args[5])
        return
      }
    }
    send(...args)
  }
}

const listen = dht => new Promise(resolve => dht.listen(0, '127.0.0.1', resolve))
const ready = dht => new Promise(resolve => dht.ready ? resolve() : dht.once('ready', resolve))

const before = heap()
const dhts = []
const started = Date.now()
// Join in small waves; each node bootstraps from up to 3 random earlier nodes.
const wave = 10
for (let i = 0; i < nodes; i += wave) {
  const batch = []
  for (let j = i; j < Math.min(nodes, i + wave); j++) {
    const bootstrap = []
    for (let b = 0; b < Math.min(3, i); b++) bootstrap.push('127.0.0.1:' + dhts[pick(i)].address().port)
    // The first wave has no listening node to join yet: an explicit false (never the public routers).
    const dht = new DHT({ bootstrap: bootstrap.length > 0 ? bootstrap : false })
    instrument(dht)
    const p = listen(dht)
    batch.push(p.then(() => ready(dht)))
    dhts.push(dht)
  }
  // Nodes in a wave need each other's ports before the next wave, so listening happens first.
  await Promise.all(batch)
}
const bootMs = Date.now() - started
console.error(`bootstrapped ${nodes} nodes in ${bootMs} ms`)
const after = heap()

const announce = (dht, hash) => new Promise(resolve => dht.announce(hash, dht.address().port, err => resolve(err)))

function lookup (dht, hash, expectedPort) {
  return new Promise(resolve => {
    const depth = new Map()
    let firstPeersHop = null
    let received = 0
    let receivedBytes = 0
    const socket = dht._rpc.socket.socket
    const onmessage = (buf, rinfo) => {
      received++
      receivedBytes += buf.length
      let m
      try { m = bencode.decode(buf) } catch { return }
      if (!m || !m.r || m.y?.[0] !== 0x72) return
      const d = depth.get(rinfo.port) ?? 0
      if (m.r.values && m.r.values.length > 0 && firstPeersHop === null) firstPeersHop = d + 1
      const n = m.r.nodes
      if (n) {
        for (let o = 0; o + 26 <= n.length; o += 26) {
          const port = (n[o + 24] << 8) | n[o + 25]
          if (!depth.has(port)) depth.set(port, d + 1)
        }
      }
    }
    socket.on('message', onmessage)
    // A node queried before it was heard of in this lookup came from the looker's own table: depth 0.
    dht.onsend = port => { if (!depth.has(port)) depth.set(port, 0) }
    let found = false
    const onpeer = (peer, infoHash) => {
      if (infoHash.toString('hex') === hash.toString('hex') && peer.port === expectedPort) found = true
    }
    dht.on('peer', onpeer)
    const sentBefore = dht.sent
    const sentBytesBefore = dht.sentBytes
    const t0 = Date.now()
    dht.lookup(hash, () => {
      socket.removeListener('message', onmessage)
      dht.onsend = null
      dht.removeListener('peer', onpeer)
      resolve({
        found,
        hops: firstPeersHop,
        messages: dht.sent - sentBefore,
        received,
        bytes: dht.sentBytes - sentBytesBefore + receivedBytes,
        ms: Date.now() - t0
      })
    })
  })
}

const samples = []
for (let i = 0; i < lookups; i++) {
  const hash = crypto.createHash('sha1').update('dht-sim-' + i + '-' + random()).digest()
  const a = pick(nodes)
  const b = (a + 1 + pick(nodes - 1)) % nodes
  await announce(dhts[a], hash)
  samples.push(await lookup(dhts[b], hash, dhts[a].address().port))
  if ((i + 1) % 10 === 0) console.error(`${i + 1} lookups after ${Date.now() - started} ms`)
}

const hops = samples.filter(s => s.hops !== null).map(s => s.hops)
const messages = samples.map(s => s.messages).sort((x, y) => x - y)
const tables = dhts.map(d => d.nodes.count())
const result = {
  implementation: 'bittorrent-dht ' + JSON.parse(fs.readFileSync(new URL('./node_modules/bittorrent-dht/package.json', import.meta.url))).version,
  nodes,
  lookups,
  loss,
  successRate: samples.filter(s => s.found).length / samples.length,
  meanHops: hops.length ? hops.reduce((x, y) => x + y, 0) / hops.length : null,
  maxHops: hops.length ? Math.max(...hops) : null,
  meanMessages: messages.reduce((x, y) => x + y, 0) / messages.length,
  medianMessages: messages[Math.floor(messages.length / 2)],
  meanReceived: samples.reduce((x, s) => x + s.received, 0) / samples.length,
  meanBytes: samples.reduce((x, s) => x + s.bytes, 0) / samples.length,
  meanLookupMs: samples.reduce((x, s) => x + s.ms, 0) / samples.length,
  heapPerNodeKiB: (after.heap - before.heap) / nodes / 1024,
  heapAndExternalPerNodeKiB: (after.heap + after.external - before.heap - before.external) / nodes / 1024,
  rssPerNodeKiB: (after.rss - before.rss) / nodes / 1024,
  meanTableSize: tables.reduce((x, y) => x + y, 0) / tables.length,
  bootstrapMs: bootMs
}
console.log(JSON.stringify(result))
await Promise.all(dhts.map(d => new Promise(resolve => d.destroy(resolve))))
process.exit(0)
