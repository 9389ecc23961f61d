// The BullMQ queue of (f) and (g), on the local Redis, one per process. POST /bench/reset empties
// it between rounds, so that Redis does not fill up with the jobs of a whole run.
import { Queue } from 'bullmq'

export function benchQueue (app) {
  const queue = new Queue(`bench-${process.pid}`, { connection: { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) } })
  app.post('/bench/reset', async () => {
    await queue.obliterate({ force: true })
    return { ok: true }
  })
  app.addHook('onClose', async () => { await queue.obliterate({ force: true }); await queue.close() })
  return queue
}
