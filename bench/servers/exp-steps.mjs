import { reportCpuOnExit } from './cpu.mjs'
import Fastify from 'fastify'
import rawBody from 'fastify-raw-body'
import { createVerifier, eventSchemas } from '../../dist/index.js'
import { createRouter } from '../../dist/router.js'
import { createDeliveryProcessor } from '../../dist/delivery.js'
import { resolveIdempotency } from '../../dist/idempotency.js'
const step = Number(process.env.STEP)
const verifier = createVerifier(process.env.SECRET)
const internals = createRouter(eventSchemas)
internals.router.on(['post_call_transcription'], (e) => { if (e.data.conversation_id.length === 0) throw new Error('x') })
const processor = createDeliveryProcessor({ router: internals, idempotency: step >= 4 ? resolveIdempotency({}) : undefined, ackTimeout: step >= 5 ? 25000 : false })
const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
await app.register(async (scope) => {
  await scope.register(rawBody, { encoding: false, global: false, jsonContentTypes: [] })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) => done(null, body))
  scope.post('/webhook', {
    config: { rawBody: true },
    preHandler: step >= 1 ? (request, reply, done) => {
      try { request.body = verifier.constructEvent(request.rawBody, request.headers['elevenlabs-signature']) } catch (e) { return done(e) }
      done()
    } : undefined
  }, async (request, reply) => {
    if (step === 0) JSON.parse(request.rawBody.toString())
    if (step === 2) internals.validate(request.body)
    if (step === 3) { internals.validate(request.body); await internals.run(request.body, request) }
    if (step >= 4) await processor.deliver(request.body, request.rawBody, request, request.log)
    return reply.code(200).send({ success: true })
  })
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
