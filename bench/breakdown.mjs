// npm run bench:breakdown: where the plugin's time per request goes, in one process through
// fastify.inject (no network, so steadier than the load test). Each variant adds one stage:
//   bare      Fastify's own JSON route (the floor)
//   parser    the plugin's route parser (Buffer, parsed by JSON.parse in the handler)
//   rawbody   + fastify-raw-body's second read of the body
//   verify    + signature verification and envelope check in a preHandler (constructEvent)
//   plugin    the whole plugin: + schema validation, idempotency, handler, reply
// Prints the median server CPU time per request over interleaved rounds.
import Fastify from 'fastify'
import rawBody from 'fastify-raw-body'
import elevenlabsWebhooks, { createVerifier, generateSignatureHeader } from '../dist/index.js'
import { payloads } from './payloads.mjs'

const secret = 'wsec_bench_secret'
const verifier = createVerifier(secret)
const rounds = Number(process.env.BENCH_ROUNDS ?? 6)

async function variant (kind) {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
  if (kind === 'bare') {
    app.post('/webhook', async () => ({ success: true }))
    return app
  }
  if (kind === 'plugin') {
    await app.register(elevenlabsWebhooks, { secret })
    app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], () => {})
    return app
  }
  await app.register(async (scope) => {
    if (kind !== 'parser') await scope.register(rawBody, { encoding: false, global: false, jsonContentTypes: [] })
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    const verify = (request, _reply, done) => {
      request.body = verifier.constructEvent(request.rawBody, request.headers['elevenlabs-signature'])
      done()
    }
    scope.post('/webhook', { config: { rawBody: true }, preHandler: kind === 'verify' ? verify : undefined }, async (request) => {
      if (kind !== 'verify') JSON.parse(request.body.toString('utf8'))
      return { success: true }
    })
  })
  return app
}

const kinds = ['bare', 'parser', 'rawbody', 'verify', 'plugin']
for (const payload of payloads().filter((p) => p.name !== 'large')) {
  const count = payload.name === 'small' ? 4000 : 1000
  let n = 0
  const requests = () => Array.from({ length: count }, () => {
    const body = Buffer.concat([payload.prefix, Buffer.from(payload.suffix(n++))])
    return { method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json', 'elevenlabs-signature': generateSignatureHeader({ payload: body, secret }) }, payload: body }
  })
  const apps = {}
  for (const kind of kinds) apps[kind] = await variant(kind)
  const times = Object.fromEntries(kinds.map((k) => [k, []]))
  for (let round = 0; round <= rounds; round++) {
    for (const kind of kinds) {
      const batch = requests()
      const start = process.cpuUsage()
      for (const request of batch) {
        const res = await apps[kind].inject(request)
        if (res.statusCode !== 200) throw new Error(`${kind}: ${res.statusCode} ${res.body}`)
      }
      const used = process.cpuUsage(start)
      if (round > 0) times[kind].push((used.user + used.system) / count) // round 0 warms up
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
  const rows = kinds.map((kind, i) => ({
    stage: kind,
    'CPU µs/req': median(times[kind]).toFixed(1),
    'added µs': i === 0 ? '' : (median(times[kind]) - median(times[kinds[i - 1]])).toFixed(1)
  }))
  process.stdout.write(`\n${payload.name} (${((payload.prefix.length + 10) / 1024).toFixed(1)} KiB), fastify.inject, median of ${rounds} rounds\n`)
  console.table(rows)
}
