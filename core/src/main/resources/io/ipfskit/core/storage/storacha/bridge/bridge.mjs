// Storacha bridge, protocol v1 (see STORACHA-BRIDGE.md): newline-delimited JSON on stdin/stdout,
// the official @storacha/client doing the UCAN work. stdout carries protocol lines only; stderr
// carries human log lines and never a key or a proof.
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { randomUUID } from 'node:crypto'
import { create } from '@storacha/client'
import { StoreMemory } from '@storacha/client/stores/memory'
import * as Proof from '@storacha/client/proof'
import * as Signer from '@storacha/client/principal/ed25519'
import * as Client from '@ucanto/client'
import { CAR, HTTP } from '@ucanto/transport'
import * as DID from '@ipld/dag-ucan/did'
import * as UnixFS from '@ipld/unixfs'
import { withMaxChunkSize } from '@ipld/unixfs/file/chunker/fixed'
import { withWidth } from '@ipld/unixfs/file/layout/balanced'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import * as PieceHasher from 'fr32-sha2-256-trunc254-padded-binary-tree-multihash'

const CLIENT_VERSION = JSON.parse(
  fs.readFileSync(new URL('./node_modules/@storacha/client/package.json', import.meta.url), 'utf8')).version

/**
 * The DAG ipfs-kit's local store and `ipfs add --cid-version=1 --raw-leaves` build: 256 KiB chunks,
 * raw leaves (a one-chunk file is its raw leaf), CIDv1, balanced layout of at most 174 links.
 * (@storacha/client's own default is 1 MiB chunks and 1024 links, which gives other CIDs.)
 */
const UNIXFS = UnixFS.configure({
  fileChunkEncoder: raw,
  smallFileEncoder: raw,
  chunker: withMaxChunkSize(262_144),
  fileLayout: withWidth(174),
})

/**
 * The Filecoin piece hash (for filecoin/offer) in WebAssembly, as the official `storacha` CLI
 * passes it: the client's default (JavaScript, @web3-storage/data-segment) gives the same digest
 * but took 19 s for 10 MiB here against 1.4 s.
 */
const PIECE_HASHER = {
  code: PieceHasher.code,
  name: 'fr32-sha2-256-trunc254-padded-binary-tree-multihash',
  digest(input) {
    const hasher = PieceHasher.create()
    try {
      hasher.write(input)
      const bytes = new Uint8Array(hasher.multihashByteLength())
      hasher.digestInto(bytes, 0, true)
      return Digest.decode(bytes)
    } finally {
      hasher.free()
    }
  },
}

/** Errno-like codes of a request that never got an answer: worth retrying. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])
/** Service error names meaning "this delegation/key cannot do that", now or later. */
const PERMANENT_NAMES = new Set([
  'Unauthorized', 'InvalidAudience', 'Expired', 'NotValidBefore', 'InvalidSignature', 'UnavailableProof',
  'DIDKeyResolutionError', 'PrincipalAlignmentError', 'InvalidClaim', 'Revoked', 'UnknownCapability',
  'MalformedCapability', 'InsufficientStorage', 'NoStorageProvider', 'BlobSizeOutsideOfSupportedRange',
  'BlobSizeLimitExceededError', 'UnknownSpace', 'SpaceUnprovisioned',
])
const NOT_FOUND_NAMES = new Set(['UploadNotFound', 'RecordNotFound', 'BlobNotFound'])
const TRANSIENT_NAMES = new Set(['ReceiptNotFound', 'ReceiptMissing', 'AllocatedMemoryNotWrittenError'])

/** Secrets given in init: never written anywhere, scrubbed from every message. */
const secrets = []
let session = null // Promise<{client, agent, space}> once init arrived
const inFlight = new Set()

// Keep stdout for the protocol: anything a library logs goes to stderr.
console.log = console.info = console.debug = (...a) => console.error(...a)
console.warn = (...a) => console.error(...a.map((x) => (x instanceof Error ? x.name + ': ' + scrub(x.message || x.reason || '') : x)))
process.on('uncaughtException', (e) => log('uncaught: ' + describe(e)))
process.on('unhandledRejection', (e) => log('unhandled rejection: ' + describe(e)))
process.stdout.on('error', () => process.exit(0))

send({ ready: true, bridge: 1, client: CLIENT_VERSION })

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', (line) => {
  if (!line.trim()) return
  let req
  try {
    req = JSON.parse(line)
  } catch {
    return send(failure(null, 'invalid', 'BadJson', 'a request line is not JSON'))
  }
  if (req === null || typeof req !== 'object' || Array.isArray(req)) {
    return send(failure(null, 'invalid', 'BadRequest', 'a request must be a JSON object'))
  }
  const id = req.id ?? null
  if (req.op === 'shutdown') {
    send({ id, ok: true })
    return process.exit(0)
  }
  const job = handle(req)
    .then((answer) => send({ id, ok: true, ...answer }))
    .catch((err) => {
      const answer = classify(id, err)
      log(`${String(req.op).slice(0, 20)} #${id} failed: ${answer.kind} ${answer.code}: ${answer.message}` +
        (answer.kind === 'invalid' ? '' : '\n' + chain(err).map((e) => e?.stack ?? String(e)).join('\ncaused by: ')))
      send(answer)
    })
    .finally(() => inFlight.delete(job))
  inFlight.add(job)
})
lines.on('close', () => process.exit(0))

async function handle(req) {
  switch (req.op) {
    case 'init':
      return init(req)
    case 'add':
      return add(await ready(), req)
    case 'list':
      return list(await ready(), req)
    case 'remove':
      return remove(await ready(), req)
    case 'health':
      return health(await ready())
    default:
      throw new BadRequest('UnknownOp', 'op must be one of init, add, list, remove, health, shutdown; got ' +
        JSON.stringify(String(req.op ?? '')).slice(0, 40))
  }
}

function ready() {
  if (!session) throw new BadRequest('NotInitialised', 'init must come before any other op')
  return session
}

function init(req) {
  for (const f of ['endpoint', 'serviceDid', 'space', 'key', 'proof']) {
    if (typeof req[f] !== 'string' || !req[f]) throw new BadRequest('MissingField', f + ' must be a non-empty string')
  }
  if (session) throw new BadRequest('AlreadyInitialised', 'init was already sent')
  secrets.push(req.key, req.proof)
  session = connectClient(req)
  session.catch(() => {}) // the init answer reports it; later ops get it again
  return session.then((s) => ({ agent: s.agent, space: s.space }))
}

async function connectClient({ endpoint, serviceDid, space, key, proof }) {
  let url
  try {
    url = new URL(endpoint)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error()
  } catch {
    throw new Permanent('InvalidEndpoint', 'endpoint must be an http(s) URL')
  }
  let serviceId
  try {
    serviceId = DID.parse(serviceDid)
  } catch {
    throw new Permanent('InvalidServiceDid', 'serviceDid must be a did:key or did:web')
  }
  if (!/^did:key:z[1-9A-HJ-NP-Za-km-z]+$/.test(space)) throw new Permanent('InvalidSpace', 'space must be a did:key')
  let principal
  try {
    principal = Signer.parse(key)
  } catch {
    throw new Permanent('InvalidKey', 'key is not an ed25519 agent key as `storacha key create` prints it (Mg…)')
  }
  let delegation
  try {
    delegation = await Proof.parse(proof)
  } catch {
    throw new Permanent('InvalidProof', 'proof is not a base64 delegation as `storacha delegation create --base64` prints it')
  }
  if (delegation.audience.did() !== principal.did()) {
    throw new Permanent('ProofAudienceMismatch', 'the proof is delegated to ' + delegation.audience.did() +
      ', not to the agent ' + principal.did())
  }
  if (!delegation.capabilities.some((c) => c.with === space || c.with === 'ucan:*')) {
    throw new Permanent('ProofSpaceMismatch', 'the proof grants nothing on space ' + space)
  }
  const connection = () => Client.connect({
    id: serviceId,
    codec: CAR.outbound,
    channel: HTTP.open({ url, method: 'POST', headers: { 'X-Client': 'ipfs-kit-storacha-bridge/1' } }),
  })
  const client = await create({
    principal,
    store: new StoreMemory(),
    serviceConf: { access: connection(), upload: connection(), filecoin: connection(), gateway: connection() },
    receiptsEndpoint: new URL('/receipt/', url),
  })
  await client.addSpace(delegation)
  await client.setCurrentSpace(space)
  return { client, agent: principal.did(), space }
}

async function add({ client }, req) {
  const file = req.path
  if (typeof file !== 'string' || !path.isAbsolute(file)) throw new BadRequest('BadPath', 'path must be an absolute file path')
  let stat
  try {
    stat = await fs.promises.stat(file)
    await fs.promises.access(file, fs.constants.R_OK)
  } catch (e) {
    throw new BadRequest('BadPath', 'path is not a readable file (' + (e.code ?? 'error') + ')')
  }
  if (!stat.isFile()) throw new BadRequest('BadPath', 'path is not a regular file')
  const blob = await fs.openAsBlob(file) // streamed from disk by the encoder
  const shards = []
  const root = await client.uploadFile(blob, {
    settings: UNIXFS,
    pieceHasher: PIECE_HASHER,
    onShardStored: (meta) => shards.push(meta.cid.toString()),
  })
  return { root: root.toString(), shards, size: stat.size }
}

async function list({ client }, req) {
  const size = req.size ?? 25
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new BadRequest('BadSize', 'size must be an integer 1..1000')
  if (req.cursor != null && typeof req.cursor !== 'string') throw new BadRequest('BadCursor', 'cursor must be a string or null')
  const page = await client.capability.upload.list({ size, nonce: nonce(), ...(req.cursor ? { cursor: req.cursor } : {}) })
  const results = (page.results ?? []).map((u) => ({
    root: u.root.toString(),
    shards: (u.shards ?? []).map((s) => s.toString()),
    insertedAt: u.insertedAt,
    updatedAt: u.updatedAt,
  }))
  // the service hands a cursor even on the last page: a short page is the last one
  const cursor = results.length < size || !page.cursor ? null : String(page.cursor)
  return { results, cursor }
}

async function remove({ client }, req) {
  let root
  try {
    root = CID.parse(String(req.root ?? ''))
  } catch {
    throw new BadRequest('BadRoot', 'root must be a CID')
  }
  try {
    await client.capability.upload.remove(root, { nonce: nonce() })
    return { removed: true }
  } catch (err) {
    if (chain(err).some((e) => e?.name === 'UploadNotFound')) return { removed: false }
    throw err
  }
}

async function health({ client }) {
  await client.capability.upload.list({ size: 1, nonce: nonce() })
  return {}
}

/**
 * The service answers an invocation it has a receipt for with that receipt (an identical
 * invocation, same second, no nonce, is the same CID): a fresh nonce makes every list, remove and
 * health check a real call.
 */
function nonce() {
  return randomUUID()
}

// ---- errors ----

class BadRequest extends Error {
  constructor(code, message) {
    super(message)
    this.kind = 'invalid'
    this.code = code
  }
}

class Permanent extends Error {
  constructor(code, message) {
    super(message)
    this.kind = 'permanent'
    this.code = code
  }
}

/** The error, its causes and the errors it aggregates, outermost first. */
function chain(err) {
  const out = []
  const todo = [err]
  while (todo.length && out.length < 32) {
    const e = todo.shift()
    if (e == null || out.includes(e)) continue
    out.push(e)
    if (typeof e === 'object') {
      if (e.cause) todo.push(e.cause)
      if (e.error && typeof e.error === 'object') todo.push(e.error)
      if (Array.isArray(e.errors)) todo.push(...e.errors)
      if (e.originalError) todo.push(e.originalError)
    }
  }
  return out
}

function classify(id, err) {
  const all = chain(err)
  const own = all.find((e) => e instanceof BadRequest || e instanceof Permanent)
  if (own) return failure(id, own.kind, own.code, own.message)
  const deepest = all.at(-1)
  const msg = describe(err)
  for (const e of all) {
    const code = typeof e?.code === 'string' ? e.code : null
    if (code && NETWORK_CODES.has(code)) return failure(id, 'transient', code, msg)
    if (e?.name === 'HTTPError' && typeof e.status === 'number') {
      const transient = e.status >= 500 || e.status === 429 || e.status === 408
      return failure(id, transient ? 'transient' : 'permanent', 'HTTP' + e.status, msg)
    }
    if (typeof e?.name === 'string') {
      if (NOT_FOUND_NAMES.has(e.name)) return failure(id, 'not_found', e.name, msg)
      if (TRANSIENT_NAMES.has(e.name)) return failure(id, 'transient', e.name === 'ReceiptNotFound' ? 'ReceiptTimeout' : e.name, msg)
      if (PERMANENT_NAMES.has(e.name)) return failure(id, 'permanent', e.name, msg)
    }
    const m = typeof e?.message === 'string' ? e.message : ''
    const put = /upload failed: (\d{3})/.exec(m)
    if (put) {
      const status = Number(put[1])
      return failure(id, status >= 500 || status === 429 ? 'transient' : 'permanent', 'HTTP' + status, msg)
    }
    if (/no proofs available|missing proofs|not authorized|has been revoked/i.test(m)) {
      return failure(id, 'permanent', 'Unauthorized', msg)
    }
  }
  // fetch() failing without an errno (aborted, socket closed) is a network failure too
  if (all.some((e) => e instanceof TypeError && /fetch failed|terminated|socket/i.test(e.message ?? ''))) {
    return failure(id, 'transient', 'NetworkError', msg)
  }
  const name = typeof deepest?.name === 'string' && deepest.name !== 'Error' ? deepest.name : 'Error'
  return failure(id, 'permanent', name, msg)
}

function failure(id, kind, code, message) {
  return { id, ok: false, kind, code: String(code).replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60) || 'Error', message: oneLine(message) }
}

/** Every message along the cause chain, joined: one line, secrets removed. */
function describe(err) {
  const parts = []
  for (const e of chain(err)) {
    // ucanto/storacha errors often keep their text in `reason` and leave `message` empty
    const m = typeof e === 'object' ? (e.message || e.reason || (e.name ? String(e.name) : '')) : String(e)
    if (m && !parts.includes(m)) parts.push(m)
  }
  return oneLine(parts.join(': ') || 'unknown error')
}

function oneLine(s) {
  return scrub(String(s)).replace(/\s+/g, ' ').trim().slice(0, 500)
}

function scrub(s) {
  let out = String(s)
  for (const secret of secrets) {
    if (!secret) continue
    out = out.split(secret).join('[redacted]')
    // a library may quote part of a secret (a decoding error names the bad span): hide long runs of it
    for (const run of out.match(/[A-Za-z0-9+/=_-]{16,}/g) ?? []) if (secret.includes(run)) out = out.split(run).join('[redacted]')
  }
  return out
}

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function log(m) {
  process.stderr.write('[storacha-bridge] ' + scrub(m) + '\n')
}
