// npm run bench:micro: constructEvent alone, this package against the official SDK, on a small
// and a large body. Both verify the same signed bodies; the SDK's is async (WebCrypto).
import { Bench } from 'tinybench'
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js'
import { constructEvent, createVerifier, generateSignatureHeader } from '../dist/index.js'
import { payloads } from './payloads.mjs'

const secret = 'wsec_bench_secret'
const sdk = new ElevenLabsClient({ apiKey: 'not-used-offline' }).webhooks
const verifier = createVerifier(secret)
const rows = []

for (const payload of payloads().filter((p) => p.name !== 'medium')) {
  const body = Buffer.concat([payload.prefix, Buffer.from(payload.suffix(1))])
  const text = body.toString('utf8')
  const header = generateSignatureHeader({ payload: body, secret })
  // Same answer from both before timing anything.
  const ours = constructEvent(body, header, secret)
  const theirs = await sdk.constructEvent(text, header, secret)
  if (ours.type !== theirs.type) throw new Error('the two disagree')

  const bench = new Bench({ time: payload.name === 'large' ? 3000 : 1500 })
  bench
    .add(`${payload.name}: constructEvent (this package, Buffer)`, () => { constructEvent(body, header, secret) })
    .add(`${payload.name}: createVerifier().constructEvent (secret checked once)`, () => { verifier.constructEvent(body, header) })
    .add(`${payload.name}: official SDK constructEvent (string, async)`, async () => { await sdk.constructEvent(text, header, secret) })
  await bench.run()
  const base = bench.tasks[2].result.throughput?.mean ?? bench.tasks[2].result.hz
  for (const task of bench.tasks) {
    const hz = task.result.throughput?.mean ?? task.result.hz
    rows.push({ task: task.name, 'ops/s': Math.round(hz), 'µs/op': (1e6 / hz).toFixed(1), 'vs SDK': `${(hz / base).toFixed(2)}x` })
  }
}
console.table(rows)
