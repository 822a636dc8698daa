// The npm side of the announce-parsing benchmark: what the bittorrent-tracker 10.x HTTP client does with a body
// (bencode.decode, then compact2string.multi for compact peers, or the ip/port of each dictionary), on the same
// 200-peer bodies as AnnounceParseBenchmarks. Usage: node tracker-parse.mjs  (prints one JSON line per case, ns/op)
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const modules = path.join(here, '..', '..', 'tests', 'interop-peers', 'node_modules')
const { default: bencode } = await import(pathToFileURL(path.join(modules, 'bencode', 'index.js')).href)
const compact2string = createRequire(path.join(modules, 'x.js'))('compact2string')

let seed = 12
const next = n => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
const compact = Buffer.alloc(200 * 6)
const peers = []
for (let i = 0; i < 200; i++) {
  const a = [10, next(256), next(256), 1 + next(254)]
  const port = 1024 + next(64512)
  compact.set(a, i * 6)
  compact.writeUInt16BE(port, i * 6 + 4)
  peers.push({ ip: a.join('.'), 'peer id': Buffer.alloc(20, i), port })
}
const base = { complete: 150, incomplete: 60, interval: 1800, 'min interval': 900 }
const bodies = {
  Compact200: bencode.encode({ ...base, peers: compact }),
  Dictionary200: bencode.encode({ ...base, peers })
}

const parse = body => {
  const data = bencode.decode(body)
  if (ArrayBuffer.isView(data.peers)) return compact2string.multi(Buffer.from(data.peers)).length
  return data.peers.map(p => `${Buffer.from(p.ip).toString()}:${p.port}`).length
}

for (const [name, body] of Object.entries(bodies)) {
  for (let i = 0; i < 20000; i++) parse(body) // warm-up
  const runs = []
  for (let r = 0; r < 5; r++) {
    const n = 20000
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) parse(body)
    runs.push(Number(process.hrtime.bigint() - start) / n)
  }
  runs.sort((a, b) => a - b)
  console.log(JSON.stringify({ case: name, bytes: body.length, nsPerOp: Math.round(runs[2]), min: Math.round(runs[0]), max: Math.round(runs[4]) }))
}
