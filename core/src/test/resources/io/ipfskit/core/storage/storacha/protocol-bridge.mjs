// A stand-in speaking the bridge protocol (STORACHA-BRIDGE.md) with no Storacha behind it, for
// BridgeProcessTest: it checks the Java side's process handling (ids, pipelining, timeouts, restarts),
// never Storacha itself (the ITs run the real bridge against the real upload service).
import readline from 'node:readline';

let inits = 0;
const held = [];
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
out({ ready: true, bridge: 1, client: 'none' });
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const r = JSON.parse(line);
  if (r.op === 'init') {
    inits++;
    process.stderr.write(`init #${inits} for space ${r.space}\n`);
    return out({ id: r.id, ok: true, agent: 'did:key:zTest', space: r.space });
  }
  if (inits === 0) return out({ id: r.id, ok: false, kind: 'invalid', code: 'NoInit', message: 'init first' });
  switch (r.op) {
    case 'echo': return out({ id: r.id, ok: true, value: r.value, inits, pid: process.pid });
    case 'hold': held.push(r.id); return;
    case 'release':
      out({ id: r.id, ok: true });
      for (const id of held.splice(0)) out({ id, ok: true, value: 'released' });
      return;
    case 'fail': return out({ id: r.id, ok: false, kind: r.kind, code: r.code, message: r.message });
    case 'exit': process.exit(3);
    case 'silent': return;
    case 'log': process.stderr.write(r.text + '\n'); return out({ id: r.id, ok: true });
    default: return out({ id: r.id, ok: false, kind: 'invalid', code: 'UnknownOp', message: 'unknown op ' + r.op });
  }
});
rl.on('close', () => process.exit(0));
