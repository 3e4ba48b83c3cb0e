// Computes UnixFS CIDs for deterministic contents with the reference JavaScript importer,
// configured like `ipfs add --cid-version=1 --raw-leaves` (Kubo's defaults otherwise):
// fixed-size chunks of 262144 bytes, raw leaves, CIDv1, balanced layout with at most
// 174 links per node, and a one-chunk file reduced to its single raw block.
//
// Regenerate (from this directory; node_modules/ is git-ignored, package-lock.json pins every version):
//   npm ci && node generate.mjs > ../resources/unixfs-vectors.json
// The Java test LocalBlockStoreTest rebuilds the same bytes and must produce the same CIDs.
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { readFileSync } from 'node:fs'

const CHUNK = 262144
const PATTERN = 'byte i = (i*31+7) mod 251'

// Yields `size` bytes of the pattern in 64 KiB pieces so large vectors never sit in memory.
function* pattern (size) {
  const piece = 65536
  for (let start = 0; start < size; start += piece) {
    const n = Math.min(piece, size - start)
    const buf = new Uint8Array(n)
    for (let k = 0; k < n; k++) {
      buf[k] = Number((BigInt(start + k) * 31n + 7n) % 251n)
    }
    yield buf
  }
}

async function cidOf (source, chunkSize = CHUNK, maxChildrenPerNode = 174) {
  const blockstore = new MemoryBlockstore()
  const options = {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode }),
    wrapWithDirectory: false
  }
  let last
  for await (const entry of importer([{ content: source }], blockstore, options)) {
    last = entry
  }
  return last.cid.toString() // multibase base32 lower for CIDv1
}

const sizes = [0, 1, 262143, 262144, 262145, 1048576 + 7, 174 * CHUNK, 174 * CHUNK + 1]
const vectors = []
for (const size of sizes) {
  vectors.push({ size, content: 'pattern', cid: await cidOf(pattern(size)) })
}
vectors.push({
  size: 11,
  content: 'utf8:hello world',
  cid: await cidOf([new TextEncoder().encode('hello world')])
})

// Deep trees are too big to test at Kubo's sizes (a third level needs 174*174 chunks, 7.9 GB), so
// these exercise the same balanced layout with tiny chunks and at most 3 links per node: up to
// four levels, with short groups at several levels. Not Kubo CIDs: layout checks only.
const layoutVectors = []
for (const chunks of [2, 3, 4, 9, 10, 12, 27, 28, 31]) {
  for (const extra of [0, 5]) {
    const size = chunks * 1024 + extra
    layoutVectors.push({ chunkSize: 1024, maxChildrenPerNode: 3, size, content: 'pattern', cid: await cidOf(pattern(size), 1024, 3) })
  }
}

const importerVersion = JSON.parse(readFileSync(
  new URL('./node_modules/ipfs-unixfs-importer/package.json', import.meta.url))).version
console.log(JSON.stringify({
  generator: `ipfs-unixfs-importer ${importerVersion} (src/test/unixfs-vectors/generate.mjs)`,
  options: 'cidVersion 1, rawLeaves true, chunker fixedSize 262144, layout balanced maxChildrenPerNode 174, reduceSingleLeafToSelf true',
  pattern: PATTERN + " for content 'pattern'; content 'utf8:<text>' is that text's UTF-8 bytes",
  vectors,
  layoutVectors
}, null, 2))
