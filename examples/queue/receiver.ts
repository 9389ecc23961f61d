/**
 * The receiver of the queue example (`npm run example:queue:receiver`): verifies each ElevenLabs
 * event, writes it to the BullMQ queue "elevenlabs" on REDIS_URL (default redis://127.0.0.1:6379)
 * and answers 200 once Redis has it. Run the worker beside it to handle the events.
 */
import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import elevenlabsWebhooks from '../../src/index.js'
import { router } from './handlers.js'

const port = Number(process.env.PORT ?? 3000)
const secret = process.env.ELEVENLABS_WEBHOOK_SECRET ?? `wsec_${randomBytes(24).toString('hex')}`
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const queue = new Queue('elevenlabs', { connection: redis })

const app = Fastify({ logger: true })
await app.register(elevenlabsWebhooks, { secret, queue, router })
// After register: the plugin drains in preClose, before these run.
app.addHook('onClose', async () => {
  await queue.close()
  await redis.quit()
})
await app.listen({ host: '127.0.0.1', port })

process.stdout.write(`\nQueue-mode receiver on http://127.0.0.1:${port}/webhook, queue "elevenlabs".\n` +
  `Send it an event: ELEVENLABS_WEBHOOK_SECRET=${secret} npm run cli -- send voice.cloned${port === 3000 ? '' : ` --url http://127.0.0.1:${port}/webhook`}\n\n`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}
