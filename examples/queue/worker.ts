/**
 * The worker of the queue example (`npm run example:queue:worker`): runs the handlers of
 * ./handlers.ts on the jobs of the queue "elevenlabs" on REDIS_URL. Start as many as you like.
 */
import { Redis } from 'ioredis'
import { createWorker } from '../../src/bullmq.js'
import { router } from './handlers.js'

// BullMQ's workers need a connection that waits for Redis rather than failing their commands.
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null })
const log = {
  info: (obj: object, msg?: string) => { process.stdout.write(JSON.stringify({ level: 'info', msg, ...obj }) + '\n') },
  warn: (obj: object, msg?: string) => { process.stderr.write(JSON.stringify({ level: 'warn', msg, ...obj }) + '\n') },
  error: (obj: object, msg?: string) => { process.stderr.write(JSON.stringify({ level: 'error', msg, ...obj }) + '\n') }
}
const worker = createWorker('elevenlabs', router, { connection, log })
worker.on('completed', (job) => { log.info({ jobId: job.id, type: job.name }, 'job completed') })
process.stdout.write('Worker on queue "elevenlabs": waiting for events.\n')

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    worker.close().then(async () => { await connection.quit(); process.exit(0) }, () => process.exit(1))
  })
}
