// (f) This plugin in queue mode, default options: each verified event becomes a BullMQ job on the
// local Redis before the answer; no worker runs here. POST /bench/reset empties the queue between
// rounds, so that Redis does not fill up with the jobs of a whole run.
import Fastify from 'fastify'
import { Queue } from 'bullmq'
import elevenlabsWebhooks from '../../dist/index.js'
import { reportCpuOnExit } from './cpu.mjs'

const queue = new Queue(`bench-${process.pid}`, { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) } })
const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET, queue })
app.post('/bench/reset', async () => {
  await queue.obliterate({ force: true })
  return { ok: true }
})
app.addHook('onClose', async () => { await queue.obliterate({ force: true }); await queue.close() })
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
