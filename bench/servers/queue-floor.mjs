// (g) The floor of queue mode (f): the least a receiver that verifies and queues with BullMQ
// does. (e), then one `queue.add` of the body with the plugin's job options and the job id the
// plugin would give the event, then a constant answer. No envelope or `data` validation, no
// duplicate lookup, no corking of the queue's socket. Measured only when BENCH_SERVERS names it.
import Fastify from 'fastify'
import { createVerifier, DEFAULT_IDEMPOTENCY_TTL_MS } from '../../dist/index.js'
import { jobIdOf, jobOptions } from '../../dist/queue/job.js'
import { benchQueue } from './bench-queue.mjs'
import { registerWebhookRoute } from './read-as-plugin.mjs'
import { reportCpuOnExit } from './cpu.mjs'

const verifier = createVerifier(process.env.SECRET)
const app = Fastify()
const queue = benchQueue(app)
const options = jobOptions(queue, DEFAULT_IDEMPOTENCY_TTL_MS)
await registerWebhookRoute(app, async (request, reply) => {
  verifier.verify(request.body, request.headers['elevenlabs-signature'])
  const text = request.body.toString('utf8')
  const event = JSON.parse(text)
  const key = `${event.type}:${event.data.conversation_id}`
  await queue.add(event.type, { body: text, bytes: request.body.length, receivedAt: Date.now(), key }, { ...options, jobId: jobIdOf(key) })
  reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
