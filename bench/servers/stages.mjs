// Stages between (a) and (b) for bench/breakdown.mjs: BENCH_STAGE picks how much of the
// plugin's pipeline runs.
import Fastify from 'fastify'
import rawBody from 'fastify-raw-body'
import elevenlabsWebhooks, { createVerifier } from '../../dist/index.js'
import { createBodyParser } from '../../dist/body-parser.js'
import { reportCpuOnExit } from './cpu.mjs'

const stage = process.env.BENCH_STAGE
const secret = process.env.SECRET
const verifier = createVerifier(secret)
const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
// The verify stage also times its two steps from inside, under load: what they cost here, with
// the caches the HTTP work leaves behind, is not what a micro-benchmark in a tight loop shows.
const spent = { verify: 0n, parse: 0n, requests: 0 }
if (stage === 'plugin' || stage === 'plugin-no-idempotency') {
  await app.register(elevenlabsWebhooks, { secret, idempotency: stage === 'plugin' ? undefined : false })
  app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], (event) => {
    if (event.data.conversation_id.length === 0) throw new Error('no conversation_id')
  })
} else {
  await app.register(async (scope) => {
    // parser: Fastify's own Buffer parser; rawbody and verify: fastify-raw-body and the plugin's
    // parser, which hands on its Buffer instead of collecting the body a second time.
    const fastifyParser = stage === 'parser'
    if (!fastifyParser) await scope.register(rawBody, { encoding: false, global: false, jsonContentTypes: [] })
    scope.removeAllContentTypeParsers()
    if (fastifyParser) {
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    } else {
      scope.addContentTypeParser('application/json', createBodyParser(64 * 1024 * 1024, true))
    }
    const verify = (request, _reply, done) => {
      const start = process.hrtime.bigint()
      verifier.verify(request.body, request.headers['elevenlabs-signature'])
      const verified = process.hrtime.bigint()
      request.body = JSON.parse(request.body.toString('utf8'))
      spent.verify += verified - start
      spent.parse += process.hrtime.bigint() - verified
      spent.requests++
      done()
    }

    scope.post('/webhook', { config: { rawBody: true }, preHandler: stage === 'verify' ? verify : undefined }, (request, reply) => {
      if (stage !== 'verify') JSON.parse(request.body.toString('utf8'))
      reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
    })
  })
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
// Registered after cpu.mjs's own: SIGUSR2 resets, SIGHUP reports (after the CPU line).
process.on('SIGUSR2', () => Object.assign(spent, { verify: 0n, parse: 0n, requests: 0 }))
process.on('SIGHUP', () => {
  if (spent.requests === 0) return
  const us = (ns) => Number(ns) / 1000 / spent.requests
  process.stdout.write(`inside ${JSON.stringify({ verifyUs: us(spent.verify), parseUs: us(spent.parse) })}\n`)
})
process.stdout.write('ready\n')
