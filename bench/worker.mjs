// npm run bench:worker: how many queued events a worker (createWorker, default options, an async
// handler that does nothing) handles per second, for each payload. The jobs are added first, in
// the receiver's format, then one worker drains them; Redis on 127.0.0.1:6379.
// Environment: BENCH_JOBS_SMALL (5000), BENCH_JOBS_LARGE (100), BENCH_PAYLOADS.
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { createRouter } from '../dist/index.js'
import { createWorker, jobIdOf, jobOptions } from '../dist/bullmq.js'
import { payloads } from './payloads.mjs'

const connection = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) }
const only = process.env.BENCH_PAYLOADS?.split(',')
const counts = { small: Number(process.env.BENCH_JOBS_SMALL ?? 5000), medium: Number(process.env.BENCH_JOBS_SMALL ?? 5000) / 5, large: Number(process.env.BENCH_JOBS_LARGE ?? 100) }

const rows = []
for (const payload of payloads().filter((p) => only === undefined || only.includes(p.name))) {
  const queue = new Queue(`bench-worker-${randomUUID()}`, { connection })
  const n = counts[payload.name]
  const options = jobOptions(queue, 7_200_000)
  for (let i = 0; i < n; i += 100) {
    await queue.addBulk(Array.from({ length: Math.min(100, n - i) }, (_, j) => {
      const body = Buffer.concat([payload.prefix, Buffer.from(payload.suffix(i + j))])
      const key = `${payload.type}:bench_${i + j}`
      return { name: payload.type, data: { body: body.toString('utf8'), bytes: body.length, receivedAt: Date.now(), key }, opts: { ...options, jobId: jobIdOf(key) } }
    }))
  }
  const router = createRouter()
  let handled = 0
  router.on(payload.type, async () => { handled++ })
  const started = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  const worker = createWorker(queue.name, router, { connection })
  let left = n
  await new Promise((resolve) => { worker.on('completed', () => { if (--left === 0) resolve() }) })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuStart)
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  rows.push({ payload: payload.name, jobs: handled, 'jobs/s': Math.round(handled / seconds), 'worker CPU µs/job': Math.round((cpu.user + cpu.system) / handled) })
}
console.table(rows)
