// npm run bench:micro: constructEvent alone, this package against the official SDK, on a small
// and a large body. Both verify the same signed bodies; the SDK's is async (WebCrypto). Then a
// refused claim on a full MemoryStore, whose cost must not grow with the store. First, the heap a
// MemoryStore keeps per event it remembers, with the default key. And the HMAC of a signed body
// alone, through createHmac and through this package's keyed HMAC (src/hmac.ts).
import { createHmac, createSecretKey } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Bench } from 'tinybench'
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js'
import { constructEvent, createVerifier, defaultIdempotencyKey, generateSignatureHeader, MemoryStore } from '../dist/index.js'
import { createKeyedHmac } from '../dist/hmac.js'
import { payloads } from './payloads.mjs'

const secret = 'wsec_bench_secret'
const sdk = new ElevenLabsClient({ apiKey: 'not-used-offline' }).webhooks
const verifier = createVerifier(secret)
const key = createSecretKey(Buffer.from(secret, 'utf8'))
const keyedHmac = createKeyedHmac(secret)
const rows = []

// Measured first, before the benchmarks below leave garbage behind: what the default store holds
// for each event done (its key, the default one of type and conversation_id; when it expires;
// its slot in the store's Map). Every such byte is also copied out of V8's young generation once,
// on the request that adds it.
{
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc')
  const payload = payloads().find((p) => p.name === 'small')
  const entries = 50_000
  const heapAfterGc = () => { gc(); gc(); return process.memoryUsage().heapUsed }
  const before = heapAfterGc()
  const store = new MemoryStore({ maxEntries: entries })
  for (let i = 0; i < entries; i++) {
    const body = Buffer.concat([payload.prefix, Buffer.from(payload.suffix(i))])
    const event = JSON.parse(body.toString('utf8'))
    const key = defaultIdempotencyKey(event, body)
    store.claim(key, 'token', 60_000)
    store.complete(key, 'token', 7_200_000)
  }
  const bytes = (heapAfterGc() - before) / store.size
  console.log(`MemoryStore of ${store.size} events done, default keys (${payload.type}): ${bytes.toFixed(0)} bytes of V8 heap per event`)
}

for (const payload of payloads().filter((p) => p.name !== 'medium')) {
  const body = Buffer.concat([payload.prefix, Buffer.from(payload.suffix(1))])
  const text = body.toString('utf8')
  const header = generateSignatureHeader({ payload: body, secret })
  // Same answer from both before timing anything.
  const ours = constructEvent(body, header, secret)
  const theirs = await sdk.constructEvent(text, header, secret)
  if (ours.type !== theirs.type) throw new Error('the two disagree')
  const signedPrefix = `${Math.floor(Date.now() / 1000)}.`
  const viaCreateHmac = () => createHmac('sha256', key).update(signedPrefix).update(body).digest()
  if (!viaCreateHmac().equals(keyedHmac(signedPrefix, body))) throw new Error('the two HMACs disagree')

  const bench = new Bench({ time: payload.name === 'large' ? 3000 : 1500 })
  bench
    .add(`${payload.name}: constructEvent (this package, Buffer)`, () => { constructEvent(body, header, secret) })
    .add(`${payload.name}: createVerifier().constructEvent (secret checked once)`, () => { verifier.constructEvent(body, header) })
    .add(`${payload.name}: official SDK constructEvent (string, async)`, async () => { await sdk.constructEvent(text, header, secret) })
    .add(`${payload.name}: HMAC-SHA256 of the signed text alone, createHmac`, viaCreateHmac)
    .add(`${payload.name}: HMAC-SHA256 of the signed text alone, this package's keyed HMAC`, () => { keyedHmac(signedPrefix, body) })
  await bench.run()
  const base = bench.tasks[2].result.throughput?.mean ?? bench.tasks[2].result.hz
  for (const task of bench.tasks) {
    const hz = task.result.throughput?.mean ?? task.result.hz
    rows.push({ task: task.name, 'ops/s': Math.round(hz), 'µs/op': (1e6 / hz).toFixed(1), 'vs SDK': `${(hz / base).toFixed(2)}x` })
  }
}

// Every key taken by a claim still running (leases of an hour: none ends during the run), so
// each new delivery is refused: the plugin answers 503, or runs its handlers without a claim.
{
  const entries = 50_000
  const store = new MemoryStore({ maxEntries: entries })
  for (let i = 0; i < entries; i++) store.claim(`running:${i}`, 'token', 3_600_000)
  let next = 0
  const refused = () => {
    try { store.claim(`new:${next++}`, 'token', 60_000) } catch { return true }
    return false
  }
  if (!refused() || store.size !== entries) throw new Error('the store should be full of claims in progress')
  const bench = new Bench({ time: 1500 })
  bench.add(`MemoryStore full of ${entries} claims in progress: a refused claim`, refused)
  await bench.run()
  for (const task of bench.tasks) {
    const hz = task.result.throughput?.mean ?? task.result.hz
    rows.push({ task: task.name, 'ops/s': Math.round(hz), 'µs/op': (1e6 / hz).toFixed(1), 'vs SDK': '' })
  }
}

console.table(rows)
