// A local Storacha upload service for tests (issue 12): the production handlers of
// @storacha/upload-api over real HTTP on 127.0.0.1, with the in-memory stores, storage nodes,
// indexing and claims stubs of the package's own test context (dist/test/**, internal: imported by
// file path, pinned in package.json; they may move in another version).
//
//   node service.mjs [--port P] [--state-dir DIR]
//
// Prints one JSON line on stdout when listening:
//   {"url","serviceDid","space","key","proof","gateway"}
// key = the agent's ed25519 signer as `storacha key create` prints it (Mg…), proof = a delegation
// space → agent as `storacha delegation create --base64` prints it. With --state-dir the keys and the
// proof are kept in DIR/identity.json, so a restart gives the same DIDs and the same (still valid)
// proof; the stores are in memory and the space is provisioned again on every start.
//
// Routes: POST / (UCAN agent messages, the service's own handlers), GET /receipt/<task-cid> (the
// stored receipt as a CAR agent message, what the client polls), GET /ipfs/<root> (the file's bytes
// exported from the shards the storage nodes received, for roots listed in the space; 404 otherwise),
// POST /_test/revoke (ucan/revoke of the handed-out proof, issued by the space), GET /_test/uploads
// (JSON array of the roots currently listed for the space), POST /_test/fail?post=503&count=N (the
// next N POST / answer that status) and ?receipts=N (the next N receipt GETs answer 404, "not yet").
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { ed25519, Absentee } from '@ucanto/principal'
import { delegate, Message, Receipt } from '@ucanto/core'
import * as CAR from '@ucanto/transport/car'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { base64 } from 'multiformats/bases/base64'
import { CarBlockIterator } from '@ipld/car'
import { exporter } from 'ipfs-unixfs-exporter'
import * as AggregatorCaps from '@storacha/capabilities/filecoin/aggregator'
import * as UCANCaps from '@storacha/capabilities/ucan'

const here = new URL('./node_modules/', import.meta.url)
const internal = (p) => import(new URL(p, here).href)
// Public entry points of the package…
const { createServer, connect } = await internal('@storacha/upload-api/dist/lib.js')
const { create: createRevocationChecker } = await internal('@storacha/upload-api/dist/utils/revocation.js')
const Email = await internal('@storacha/upload-api/dist/utils/email.js')
// …and its test helpers (internal; see package.json "description").
const { getServiceStorageImplementations } = await internal('@storacha/upload-api/dist/test/storage/index.js')
const { getExternalServiceImplementations } = await internal('@storacha/upload-api/dist/test/external-service/index.js')
const { provisionProvider } = await internal('@storacha/upload-api/dist/test/helpers/utils.js')
const FilecoinTest = await internal('@storacha/filecoin-api/dist/test/context/service.js')

/** The abilities a `storacha login` user's agent holds for its space (what the client invokes). */
const ABILITIES = [
  'space/blob/add', 'space/blob/remove', 'space/blob/list', 'space/index/add', 'filecoin/offer',
  'upload/add', 'upload/get', 'upload/list', 'upload/remove', 'ucan/conclude',
]

/** The storage provider the space is provisioned with (provider/add requires a did:web). */
const PROVIDER = 'did:web:test.up.storacha.network'

const args = parseArgs(process.argv.slice(2))
const log = (...m) => console.error('[storacha-service]', ...m)

/**
 * The test helpers start their storage nodes (and indexing/claims stubs) with
 * http.createServer(handler).listen(cb): keep them on loopback, and have each answer say
 * "Connection: close" — the storage node destroys the socket after every answer, and a client that
 * reused that socket for its next PUT failed with "other side closed" — and let it finish writing.
 */
const loopbackHttp = {
  ...http,
  createServer: (...a) => {
    const i = a.findIndex((x) => typeof x === 'function')
    if (i >= 0) {
      const handler = a[i]
      a[i] = (req, res) => {
        res.setHeader('connection', 'close')
        // the storage node calls res.destroy() right after res.end(): that cut large GETs short
        // ("Unexpected end of data" reading a 45 MiB shard); with "Connection: close" Node closes
        // the socket itself once the answer is out
        const destroy = res.destroy.bind(res)
        res.destroy = (err) => (err || !res.writableEnded ? destroy(err) : res)
        return handler(req, res)
      }
    }
    const s = keepAlive(http.createServer(...a))
    const listen = s.listen.bind(s)
    s.listen = (...l) => (typeof l[0] === 'function' ? listen(0, '127.0.0.1', l[0]) : listen(...l))
    return s
  },
}

const ids = await identity_(args.stateDir)
const service = ids.service
const space = ids.space
const agent = ids.agent
const proof = ids.proofDelegation

const context = await createContext(service)
const ucanto = createServer(context)
const connection = connect({ id: service, channel: ucanto })

// provider/add wants a did:web provider; the service itself keeps a did:key (printed as serviceDid)
const provisioned = await provisionProvider({
  service, agent, space, connection, provider: PROVIDER,
  account: Absentee.from({ id: 'did:mailto:test.storacha.network:alice' }),
})
if (provisioned.out.error) throw new Error('provisioning the space failed: ' + provisioned.out.error.message)

/** Failures injected by POST /_test/fail (test-only, beyond the contract's two endpoints). */
const faults = { post: { status: 503, count: 0 }, receipts: 0 }

const server = keepAlive(http.createServer((req, res) => {
  route(req, res).catch((err) => {
    log('request failed', req.method, req.url, err?.stack ?? err)
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(String(err?.message ?? err))
  })
}))
server.listen(args.port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`
  process.stdout.write(JSON.stringify({
    url, serviceDid: service.did(), space: space.did(), key: ed25519.format(agent), proof: ids.proof, gateway: url,
  }) + '\n')
})
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => shutdown())
process.stdin.on('error', () => {})

async function route(req, res) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const p = url.pathname
  if (req.method === 'POST' && p === '/') {
    const body = await readBody(req)
    if (faults.post.count > 0) {
      faults.post.count--
      return text(res, faults.post.status, 'injected failure (/_test/fail)')
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
    const out = await ucanto.request({ headers, body })
    res.writeHead(out.status ?? 200, out.headers)
    return res.end(out.body)
  }
  if (req.method === 'GET' && p.startsWith('/receipt/')) {
    if (faults.receipts > 0) {
      faults.receipts--
      return text(res, 404, 'injected: no receipt yet (/_test/fail)')
    }
    const task = parseCid(p.slice('/receipt/'.length))
    const found = task ? await context.agentStore.receipts.get(task) : { error: true }
    if (found.error) return text(res, 404, 'no receipt for ' + p.slice('/receipt/'.length))
    const message = await Message.build({ receipts: [found.ok] })
    const { headers, body } = CAR.request.encode(message)
    res.writeHead(200, headers)
    return res.end(body)
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && p.startsWith('/ipfs/')) {
    return gateway(req, res, p.slice('/ipfs/'.length))
  }
  if (req.method === 'POST' && p === '/_test/revoke') {
    const r = await UCANCaps.revoke.invoke({
      issuer: space, audience: service, with: space.did(), nb: { ucan: proof.cid }, proofs: [proof],
    }).execute(connection)
    if (r.out.error) return text(res, 500, 'revoke failed: ' + r.out.error.message)
    return json(res, 200, { revoked: proof.cid.toString() })
  }
  if (req.method === 'POST' && p === '/_test/fail') {
    // ?post=503&count=N: the next N POST / answer that status; ?receipts=N: the next N receipt GETs answer 404
    const q = url.searchParams
    faults.post = { status: Number(q.get('post') ?? 503), count: Number(q.get('count') ?? (q.has('post') ? 1 : 0)) }
    faults.receipts = Number(q.get('receipts') ?? 0)
    return json(res, 200, faults)
  }
  if (req.method === 'GET' && p === '/_test/uploads') {
    return json(res, 200, (await listUploads()).map((u) => u.root.toString()))
  }
  return text(res, 404, 'no route ' + req.method + ' ' + p)
}

/** GET /ipfs/<root>: the file's bytes from the shards (CARs) the storage nodes received. */
async function gateway(req, res, rest) {
  const root = parseCid(rest.split('/')[0])
  if (!root) return text(res, 400, 'not a CID: ' + rest)
  const upload = await context.uploadTable.get(space.did(), root)
  if (upload.error) return text(res, 404, 'no upload with root ' + root)
  const blocks = new Map()
  for (const shard of upload.ok.shards ?? []) {
    const got = await context.blobRetriever.stream(shard.multihash)
    if (got.error) return text(res, 404, 'shard ' + shard + ' not found')
    for await (const block of await CarBlockIterator.fromIterable(streamIterable(got.ok))) {
      blocks.set(block.cid.multihash.bytes.toString(), block.bytes)
    }
  }
  const blockstore = { // ipfs-unixfs-exporter 16 reads a block as an (async) iterable of chunks
    async * get(cid) {
      const b = blocks.get(cid.multihash.bytes.toString())
      if (!b) throw new Error('block ' + cid + ' not in the shards')
      yield b
    },
  }
  const entry = await exporter(root.toString(), blockstore) // a string: the exporter has its own multiformats
  if (entry.type !== 'file' && entry.type !== 'raw') return text(res, 400, root + ' is a ' + entry.type + ', not a file')
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(entry.size) })
  if (req.method === 'HEAD') return res.end()
  for await (const chunk of entry.content()) {
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r))
  }
  res.end()
}

async function listUploads() {
  const all = []
  let cursor
  for (;;) {
    const page = await context.uploadTable.list(space.did(), { cursor, size: 100 })
    all.push(...page.ok.results)
    if (!page.ok.results.length || !page.ok.cursor || page.ok.cursor === cursor) break
    cursor = page.ok.cursor
  }
  return all
}

/** createContext of dist/test/helpers/context.js, with our (persistable) did:key service signer and loopback HTTP. */
async function createContext(id) {
  const options = { requirePaymentPlan: false, http: loopbackHttp, providers: { [PROVIDER]: 0 } }
  const aggregatorSigner = await ed25519.generate()
  const dealTrackerSigner = await ed25519.generate()
  const aggregatorServiceProof = await AggregatorCaps.pieceOffer.delegate({
    issuer: aggregatorSigner, audience: id, with: aggregatorSigner.did(), expiration: Infinity,
  })
  const dealTrackerConnection = FilecoinTest.getConnection(dealTrackerSigner, FilecoinTest.getMockService()).connection
  const serviceStores = await getServiceStorageImplementations(options)
  const { storefront: { filecoinSubmitQueue, pieceOfferQueue } } = FilecoinTest.getQueueImplementations(new Map())
  const { storefront: { pieceStore, receiptStore, taskStore } } = FilecoinTest.getStoreImplementations()
  const externalServices = await getExternalServiceImplementations({ ...options, serviceID: id })
  // The indexing and claims stubs authorise the service with a delegation made without an
  // expiration, i.e. dag-ucan's default of 30 s: fine for a unit test, not for a service that runs
  // for minutes (index/add then fails "Unauthorized" 30 s after start). Re-issue it without expiry.
  for (const stub of [externalServices.indexingService, externalServices.claimsService]) {
    const conf = stub.invocationConfig
    const lasting = await delegate({
      issuer: conf.audience, audience: conf.issuer, capabilities: conf.proofs[0].capabilities, expiration: Infinity,
    })
    conf.proofs.splice(0, conf.proofs.length, lasting)
  }
  const ctx = {
    id,
    signer: id,
    email: Email.debug(),
    requirePaymentPlan: false,
    url: new URL('http://127.0.0.1/'),
    ...serviceStores,
    ...externalServices,
    getServiceConnection: () => selfConnection,
    ...createRevocationChecker({ revocationsStorage: serviceStores.revocationsStorage }),
    errorReporter: { catch: (error) => log('handler error', error?.stack ?? error) },
    filecoinSubmitQueue,
    pieceOfferQueue,
    pieceStore,
    receiptStore,
    taskStore,
    aggregatorInvocationConfig: { issuer: id, with: id.did(), audience: aggregatorSigner, proofs: [aggregatorServiceProof] },
    dealTrackerService: { connection: dealTrackerConnection, invocationConfig: { issuer: id, with: id.did(), audience: dealTrackerSigner } },
    maxUploadSize: 5_000_000_000,
  }
  const selfConnection = connect({ id, channel: createServer(ctx) })
  return ctx
}

/** The service, agent and space keys and the proof: new, or read from DIR/identity.json. */
async function identity_(stateDir) {
  const file = stateDir ? path.join(stateDir, 'identity.json') : null
  if (file && fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'))
    const proofDelegation = await parseProof(saved.proof)
    return {
      service: ed25519.parse(saved.service), agent: ed25519.parse(saved.agent), space: ed25519.parse(saved.space),
      proof: saved.proof, proofDelegation,
    }
  }
  const [service, agent, space] = await Promise.all([ed25519.generate(), ed25519.generate(), ed25519.generate()])
  const proofDelegation = await delegate({
    issuer: space, audience: agent, expiration: Infinity,
    capabilities: ABILITIES.map((can) => ({ can, with: space.did() })),
  })
  const archived = await proofDelegation.archive()
  if (archived.error) throw archived.error
  // what `storacha delegation create --base64` prints: a CIDv1 (codec CAR, identity multihash of the archive) in base64
  const proof = CID.create(1, CAR.codec.code, identity.digest(archived.ok)).toString(base64)
  if (file) {
    fs.mkdirSync(stateDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify({
      service: ed25519.format(service), agent: ed25519.format(agent), space: ed25519.format(space), proof,
    }), { mode: 0o600 })
  }
  return { service, agent, space, proof, proofDelegation }
}

async function parseProof(b64) {
  const { extract } = await import('@ucanto/core/delegation')
  const cid = CID.parse(b64, base64)
  const out = await extract(cid.multihash.digest)
  if (out.error) throw out.error
  return out.ok
}

function parseCid(s) {
  try {
    return CID.parse(s)
  } catch {
    return null
  }
}

async function readBody(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  return new Uint8Array(Buffer.concat(chunks))
}

async function* streamIterable(stream) {
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield value
  }
}

function text(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/plain' })
  res.end(body)
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

/**
 * Idle keep-alive connections kept 60 s, like the load balancers in front of the real service
 * (Node's default is 5 s). With 5 s, a client whose event loop is busy hashing a large file
 * (the bridge) reuses a socket the server has just closed: "other side closed".
 */
function keepAlive(s) {
  s.keepAliveTimeout = 60_000
  s.headersTimeout = 65_000
  return s
}

function parseArgs(argv) {
  const out = { port: 0, stateDir: null }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') out.port = Number(argv[++i])
    else if (argv[i] === '--state-dir') out.stateDir = argv[++i]
    else throw new Error('unknown argument ' + argv[i] + ' (expected --port P, --state-dir DIR)')
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('--port must be 0..65535')
  return out
}

async function shutdown() {
  server.closeAllConnections?.()
  server.close()
  await Promise.allSettled((context.storageProviders ?? []).map((p) => p.deactivate()))
  await Promise.allSettled([context.carStoreBucket?.deactivate?.(), context.blobsStorage?.deactivate?.()])
  process.exit(0)
}
