// Measures the Storacha bridge against the local service (issue 12 figures):
//   node bench.mjs --bridge-dir DIR [--runs N]
// DIR holds bridge.mjs with its node_modules installed (e.g. the NodeScripts cache folder of
// core/src/main/resources/io/ipfskit/core/storage/storacha/bridge). Run from the folder holding
// service.mjs and its node_modules. Every upload is of new random bytes (no dedupe shortcut).
// Prints medians (and min/max) in ms as JSON on stdout.
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []))
if (!args['bridge-dir']) throw new Error('--bridge-dir DIR is required')
const runs = Number(args.runs ?? 7)
const here = path.dirname(new URL(import.meta.url).pathname)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storacha-bench-'))

const now = () => Number(process.hrtime.bigint()) / 1e6
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
  return { median: +median.toFixed(1), min: +s[0].toFixed(1), max: +s.at(-1).toFixed(1), n: s.length }
}

function startService() {
  const t0 = now()
  const p = spawn('node', [path.join(here, 'service.mjs')], { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    p.on('exit', (c) => reject(new Error('service exited ' + c)))
    readline.createInterface({ input: p.stdout }).once('line', (l) => resolve({ p, info: JSON.parse(l), ms: now() - t0 }))
  })
}

function startBridge() {
  const t0 = now()
  const p = spawn('node', [path.join(args['bridge-dir'], 'bridge.mjs')], { cwd: args['bridge-dir'], stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map()
  let n = 0
  let ready
  const readyP = new Promise((r) => (ready = r))
  readline.createInterface({ input: p.stdout }).on('line', (l) => {
    const m = JSON.parse(l)
    if (m.ready) return ready(now() - t0)
    waiting.get(m.id)?.(m)
  })
  const call = (o) => new Promise((resolve, reject) => {
    const id = ++n
    waiting.set(id, (m) => (m.ok ? resolve(m) : reject(new Error(JSON.stringify(m)))))
    p.stdin.write(JSON.stringify({ id, ...o }) + '\n')
  })
  return readyP.then((ms) => ({ p, call, ms }))
}

const serviceStarts = []
for (let i = 0; i < runs; i++) {
  const s = await startService()
  serviceStarts.push(s.ms)
  s.p.kill()
}

const { p: svc, info } = await startService()
const bridgeStarts = []
const inits = []
let bridge
for (let i = 0; i < Math.min(runs, 5); i++) {
  bridge?.p.stdin.end()
  bridge = await startBridge()
  bridgeStarts.push(bridge.ms)
  const t = now()
  await bridge.call({ op: 'init', endpoint: info.url, serviceDid: info.serviceDid, space: info.space, key: info.key, proof: info.proof })
  inits.push(now() - t)
}

async function uploads(size, n) {
  const times = []
  for (let i = -1; i < n; i++) { // one warm-up run, not counted
    const f = path.join(tmp, `f-${size}-${i}`)
    fs.writeFileSync(f, randomBytes(size))
    const t = now()
    await bridge.call({ op: 'add', path: f })
    if (i >= 0) times.push(now() - t)
    fs.rmSync(f)
  }
  return times
}

const small = await uploads(1024, runs * 2)
const tenMiB = await uploads(10 * 1024 * 1024, runs)
const healths = []
for (let i = 0; i < runs; i++) {
  const t = now()
  await bridge.call({ op: 'health' })
  healths.push(now() - t)
}

// gateway read of a 10 MiB upload
const f = path.join(tmp, 'g')
fs.writeFileSync(f, randomBytes(10 * 1024 * 1024))
const { root } = await bridge.call({ op: 'add', path: f })
const gets = []
for (let i = 0; i < runs; i++) {
  const t = now()
  const r = await fetch(`${info.gateway}/ipfs/${root}`)
  await r.arrayBuffer()
  gets.push(now() - t)
}

bridge.p.stdin.end()
svc.kill()
fs.rmSync(tmp, { recursive: true, force: true })
console.log(JSON.stringify({
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  serviceStartMs: stats(serviceStarts),
  bridgeStartMs: stats(bridgeStarts),
  initMs: stats(inits),
  add1KiBMs: stats(small),
  add10MiBMs: stats(tenMiB),
  healthMs: stats(healths),
  gatewayGet10MiBMs: stats(gets),
}, null, 2))
