// A small DHT of bittorrent-dht nodes on 127.0.0.1 for the .NET interop tests, driven by JSON lines on stdin.
// Never touches the public routers: every node gets an explicit loopback bootstrap list.
//
// usage: node dht-interop-npm.mjs [nodes=6]
// Prints {"ready":true,"ports":[...]} once its nodes know each other, then answers one JSON line per command:
//   {"cmd":"addNode","node":i,"port":p}                     -> {"ok":true}          (adds 127.0.0.1:p, pinging it)
//   {"cmd":"announce","node":i,"infoHash":hex,"port":p}     -> {"ok":bool,"error":msg}
//   {"cmd":"lookup","node":i,"infoHash":hex}                -> {"peers":["127.0.0.1:p",...]}
//   {"cmd":"putImmutable","node":i,"v":hex}                 -> {"key":hex,"stored":n,"error":msg}
//   {"cmd":"putMutable","node":i,"seed":hex,"salt":hex,"seq":n,"v":hex} -> {"key":hex,"publicKey":hex,"stored":n,"error":msg}
//   {"cmd":"get","node":i,"key":hex,"salt":hex}              -> {"v":hex|null,"seq":n|null}
// A command that throws answers {"failure":msg}. v is the raw value bytes (bittorrent-dht bencodes them as a string); seed is a 32-byte ed25519 private seed.
import DHT from 'bittorrent-dht'
import crypto from 'crypto'
import readline from 'readline'

const count = Number(process.argv[2] ?? 6)

// ed25519 through Node's own crypto: raw keys wrapped in their fixed DER prefixes.
const spki = pub => crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' })
const pkcs8 = seed => crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' })
const verify = (sig, msg, pub) => {
  try { return crypto.verify(null, Buffer.from(msg), spki(Buffer.from(pub)), Buffer.from(sig)) } catch { return false }
}

const listen = dht => new Promise(resolve => dht.listen(0, '127.0.0.1', resolve))
const ready = dht => new Promise(resolve => dht.ready ? resolve() : dht.once('ready', resolve))

const dhts = []
const first = new DHT({ bootstrap: false, verify })
await listen(first)
dhts.push(first)
for (let i = 1; i < count; i++) {
  const dht = new DHT({ bootstrap: dhts.map(d => '127.0.0.1:' + d.address().port), verify })
  await listen(dht)
  await ready(dht)
  dhts.push(dht)
}
// The first node started alone; let it learn the others too.
await new Promise(resolve => first.lookup(crypto.randomBytes(20), resolve))

const out = obj => process.stdout.write(JSON.stringify(obj) + '\n')
out({ ready: true, ports: dhts.map(d => d.address().port) })

async function handle (c) {
  const dht = dhts[c.node ?? 0]
  switch (c.cmd) {
    case 'addNode':
      dht.addNode({ host: '127.0.0.1', port: c.port })
      return { ok: true }
    case 'announce':
      return new Promise(resolve => dht.announce(c.infoHash, c.port, err => resolve({ ok: !err, error: err?.message ?? null })))
    case 'lookup':
      return new Promise(resolve => {
        const peers = new Set()
        const onpeer = (peer, infoHash) => { if (Buffer.from(infoHash).toString('hex') === c.infoHash) peers.add(peer.host + ':' + peer.port) }
        dht.on('peer', onpeer)
        dht.lookup(c.infoHash, () => { dht.removeListener('peer', onpeer); resolve({ peers: [...peers] }) })
      })
    case 'putImmutable':
      return new Promise(resolve => dht.put({ v: Buffer.from(c.v, 'hex') }, (err, key, n) =>
        resolve({ key: Buffer.from(key).toString('hex'), stored: n ?? 0, error: err?.message ?? null })))
    case 'putMutable': {
      const key = pkcs8(Buffer.from(c.seed, 'hex'))
      const publicKey = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12)
      const opts = {
        k: publicKey,
        seq: c.seq,
        v: Buffer.from(c.v, 'hex'),
        sign: buf => crypto.sign(null, Buffer.from(buf), key)
      }
      if (c.salt) opts.salt = Buffer.from(c.salt, 'hex')
      return new Promise(resolve => dht.put(opts, (err, target, n) =>
        resolve({ key: Buffer.from(target).toString('hex'), publicKey: publicKey.toString('hex'), stored: n ?? 0, error: err?.message ?? null })))
    }
    case 'get': {
      const opts = { cache: false }
      if (c.salt) opts.salt = Buffer.from(c.salt, 'hex')
      return new Promise(resolve => dht.get(c.key, opts, (err, res) => resolve(err || !res
        ? { v: null, seq: null, error: err?.message ?? null }
        : { v: Buffer.from(res.v).toString('hex'), seq: res.seq ?? null })))
    }
    default:
      return { failure: 'unknown command ' + c.cmd }
  }
}

const lines = readline.createInterface({ input: process.stdin })
for await (const line of lines) {
  if (!line.trim()) continue
  try {
    out(await handle(JSON.parse(line)))
  } catch (err) {
    out({ failure: String(err?.stack ?? err) })
  }
}
await Promise.all(dhts.map(d => new Promise(resolve => d.destroy(resolve))))
process.exit(0)
