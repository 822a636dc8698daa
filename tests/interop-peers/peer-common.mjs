// What every scripted interop peer shares: its JSON options (argv[2]), one-JSON-object-per-line events on stdout,
// a lifetime after which it exits on its own, and the torrent content both sides generate.

/** The options passed as the first argument, as JSON. */
export const options = JSON.parse(process.argv[2])

/** Writes one event line: {"event": name, ...fields}. */
export const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + '\n')

/** Exits with code 2 after options.lifetime seconds (or the default), so a test that dies cannot leave us running. */
export function exitAfterLifetime (defaultSeconds) {
  const lifetime = setTimeout(() => { emit('lifetime-expired'); process.exit(2) }, (options.lifetime ?? defaultSeconds) * 1000)
  lifetime.unref()
}

/** A block of the test torrent: the byte at torrent offset o is (o * 13 + 7) & 0xff, as on the C# side. */
export function contentBlock (index, begin, length) {
  const block = Buffer.alloc(length)
  const start = index * options.pieceLength + begin
  for (let i = 0; i < length; i++) block[i] = ((start + i) * 13 + 7) & 0xff
  return block
}
