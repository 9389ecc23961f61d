/**
 * A worker in its own process, for the SIGKILL test: its handler says on stdout that it started
 * (one JSON line) and then never finishes, until the test kills the process with SIGKILL.
 * argv: the queue name. Short locks, so that another worker's stalled-job check finds the job
 * soon after the kill.
 */
import { Type } from '@sinclair/typebox'
import { createRouter } from '../../src/index.js'
import { createWorker, type JobContext } from '../../src/bullmq.js'

const queueName = process.argv[2] as string
const router = createRouter<JobContext>().define('test.slow', Type.Object({ n: Type.Number() }))
router.on('test.slow', async (event, { job, attempt }) => {
  process.stdout.write(JSON.stringify({ started: job.id, n: event.data.n, attempt, pid: process.pid }) + '\n')
  await new Promise(() => {}) // hangs: the worker's open connections keep the process alive
})
createWorker(queueName, router, {
  connection: { host: '127.0.0.1', port: Number(process.env.TEST_REDIS_PORT ?? 6379) },
  lockDuration: 1000,
  stalledInterval: 500
})
