// Stages between (a) and (b) for bench/breakdown.mjs: BENCH_STAGE picks how much of the
// plugin's pipeline runs.
import Fastify from 'fastify'
import rawBody from 'fastify-raw-body'
import elevenlabsWebhooks, { createVerifier } from '../../dist/index.js'
import { reportCpuOnExit } from './cpu.mjs'

const stage = process.env.BENCH_STAGE
const secret = process.env.SECRET
const verifier = createVerifier(secret)
const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
if (stage === 'plugin' || stage === 'plugin-no-idempotency') {
  await app.register(elevenlabsWebhooks, { secret, idempotency: stage === 'plugin' ? undefined : false })
  app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], (event) => {
    if (event.data.conversation_id.length === 0) throw new Error('no conversation_id')
  })
} else {
  await app.register(async (scope) => {
    if (stage !== 'parser') await scope.register(rawBody, { encoding: false, global: false, jsonContentTypes: [] })
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    const verify = (request, _reply, done) => {
      request.body = verifier.constructEvent(request.rawBody, request.headers['elevenlabs-signature'])
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
process.stdout.write('ready\n')
