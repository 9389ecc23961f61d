// A receiver in queue mode, in its own process, for tests that kill it: listens on a free port
// and prints "listening <address>".
import Fastify from 'fastify'
import { Queue } from 'bullmq'
import elevenlabsWebhooks from '../../src/index.js'

const queue = new Queue(process.env.QUEUE_NAME as string, { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT) } })
const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: process.env.WEBHOOK_SECRET, queue })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`listening ${address}\n`)
