// (g) The floor of queue mode (f): the least a receiver that verifies and queues with BullMQ
// does. (e), then one `queue.add` of the body with the plugin's job options and the job id the
// plugin would give the event, then a constant answer. No envelope or `data` validation, no
// duplicate lookup, no corking of the queue's socket. Measured only when BENCH_SERVERS names it.
import Fastify from 'fastify'
import fastifyRawBody from 'fastify-raw-body'
import { Queue } from 'bullmq'
import { createVerifier, DEFAULT_IDEMPOTENCY_TTL_MS } from '../../dist/index.js'
import { createBodyParser } from '../../dist/body-parser.js'
import { jobIdOf, jobOptions } from '../../dist/queue/job.js'
import { reportCpuOnExit } from './cpu.mjs'

const verifier = createVerifier(process.env.SECRET)
const queue = new Queue(`bench-${process.pid}`, { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) } })
const options = jobOptions(queue, DEFAULT_IDEMPOTENCY_TTL_MS)
const bodyLimit = 64 * 1024 * 1024
const app = Fastify()
await app.register(async (scope) => {
  await scope.register(fastifyRawBody, { encoding: false, global: false, jsonContentTypes: [] })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('application/json', { bodyLimit }, createBodyParser(bodyLimit, true))
  scope.post('/webhook', { bodyLimit, config: { rawBody: true } }, async (request, reply) => {
    verifier.verify(request.body, request.headers['elevenlabs-signature'])
    const text = request.body.toString('utf8')
    const event = JSON.parse(text)
    const key = `${event.type}:${event.data.conversation_id}`
    await queue.add(event.type, { body: text, bytes: request.body.length, receivedAt: Date.now(), key }, { ...options, jobId: jobIdOf(key) })
    reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
  })
})
app.post('/bench/reset', async () => {
  await queue.obliterate({ force: true })
  return { ok: true }
})
app.addHook('onClose', async () => { await queue.obliterate({ force: true }); await queue.close() })
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
