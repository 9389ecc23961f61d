/**
 * `elevenlabs-webhooks queue failed|retry`, the real command in its own process, against the
 * real Redis.
 */
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Queue, UnrecoverableError, Worker } from 'bullmq'
import { jobIdOf, jobOptions } from '../src/queue/job.js'
import { connectRedis } from './redis.js'

const port = Number(process.env.TEST_REDIS_PORT ?? 6379)
const redisUrl = `redis://127.0.0.1:${port}`

interface Run { code: number, stdout: string, stderr: string }

function cli (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...process.execArgv, 'src/bin.ts', ...args], { env: { ...process.env, REDIS_URL: '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    })
  })
}

/** A queue whose two jobs (a voice.cloned and a post_call_audio) failed for good. */
async function queueWithFailures (t: Test): Promise<Queue | undefined> {
  if (await connectRedis(t) === undefined) return undefined
  const queue = new Queue(`test-cli-${randomUUID()}`, { connection: { host: '127.0.0.1', port } })
  t.teardown(async () => { await queue.obliterate({ force: true }); await queue.close() })
  for (const [type, id] of [['voice.cloned', 'v1'], ['post_call_audio', 'conv_1']] as const) {
    const key = `${type}:${id}`
    await queue.add(type, { body: '{}', bytes: 2, receivedAt: Date.now(), key }, { jobId: jobIdOf(key), ...jobOptions(queue, 60_000) })
  }
  const worker = new Worker(queue.name, async (job) => { throw new UnrecoverableError(`schema of ${job.name} out of date`) }, { connection: { host: '127.0.0.1', port } })
  await new Promise<void>((resolve) => { let failed = 0; worker.on('failed', () => { if (++failed === 2) resolve() }) })
  await worker.close()
  return queue
}

t.test('queue failed lists the failed jobs with their type, time, attempts and reason; --type and --limit narrow it', async (t) => {
  const queue = await queueWithFailures(t)
  if (queue === undefined) return
  const all = await cli(['queue', 'failed', '--queue', queue.name, '--redis', redisUrl])
  t.equal(all.code, 0, all.stderr)
  t.match(all.stdout, `2 failed jobs in queue "${queue.name}"\n`)
  t.match(all.stdout, /k_voice\.cloned%3Av1 {2}voice\.cloned {2}failed \d{4}-\d\d-\d\dT[\d:.]+Z {2}attempts 1 {2}schema of voice\.cloned out of date/)
  t.match(all.stdout, 'k_post_call_audio%3Aconv_1  post_call_audio')
  const audio = await cli(['queue', 'failed', '--queue', queue.name, '--type', 'post_call_audio'], { REDIS_URL: redisUrl })
  t.notMatch(audio.stdout, 'voice.cloned  failed')
  t.match(audio.stdout, 'post_call_audio  failed')
  const one = await cli(['queue', 'failed', '--queue', queue.name, '--redis', redisUrl, '--limit', '1'])
  t.match(one.stdout, `2 failed jobs in queue "${queue.name}", 1 listed\n`)
  t.equal(one.stdout.trim().split('\n').length, 2)
})

t.test('queue retry moves the failed jobs back to the queue, of some types or all', async (t) => {
  const queue = await queueWithFailures(t)
  if (queue === undefined) return
  const some = await cli(['queue', 'retry', '--queue', queue.name, '--redis', redisUrl, '--type', 'voice.cloned'])
  t.equal(some.code, 0, some.stderr)
  t.equal(some.stdout, `retried 1 failed job of queue "${queue.name}"\n`)
  t.same(await queue.getJobCounts('failed', 'waiting'), { failed: 1, waiting: 1 })
  t.match((await cli(['queue', 'failed', '--queue', queue.name, '--redis', redisUrl])).stdout, `1 failed job in queue "${queue.name}"\n`)
  const rest = await cli(['queue', 'retry', '--queue', queue.name, '--redis', redisUrl])
  t.equal(rest.stdout, `retried 1 failed job of queue "${queue.name}"\n`)
  t.equal((await cli(['queue', 'retry', '--queue', queue.name, '--redis', redisUrl])).stdout, `retried 0 failed jobs of queue "${queue.name}"\n`)
  t.same(await queue.getJobCounts('failed', 'waiting'), { failed: 0, waiting: 2 })
})

t.test('queue commands: usage errors exit 2, an unreachable Redis exits 3', async (t) => {
  for (const [args, message] of [
    [['queue', 'failed'], '--queue <name> is required'],
    [['queue', 'list', '--queue', 'q'], 'expected "queue failed" or "queue retry"'],
    [['queue', 'failed', 'now', '--queue', 'q'], 'unexpected now'],
    [['queue', 'failed', '--queue', 'q', '--limit', '0'], '--limit must be a positive whole number'],
    [['queue', 'failed', '--queue', 'q', '--nope'], "Unknown option '--nope'"]
  ] as const) {
    const res = await cli([...args])
    t.equal(res.code, 2, args.join(' '))
    t.match(res.stderr, message)
    t.match(res.stderr, 'Run "elevenlabs-webhooks queue --help" for usage.')
  }
  const down = await cli(['queue', 'failed', '--queue', 'q', '--redis', 'redis://user:hunter2@127.0.0.1:1'])
  t.equal(down.code, 3)
  t.match(down.stderr, 'cannot reach Redis at redis://…@127.0.0.1:1')
  t.notMatch(down.stderr, 'hunter2', 'no password in the message')
  const help = await cli(['queue', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, 'Usage: elevenlabs-webhooks queue <failed|retry>')
  t.equal((await cli(['help', 'queue'])).stdout, help.stdout)
})

t.test('without bullmq installed, the queue commands say what to install', async (t) => {
  const { queueCommand } = await t.mockImport<typeof import('../src/cli-queue.js')>('../src/cli-queue.js', {
    bullmq: new Proxy({}, { ownKeys () { throw new Error('Cannot find package \'bullmq\'') } })
  })
  await t.rejects(queueCommand({ queue: 'q' }, ['failed'], {
    stdout: () => {},
    env: {},
    usage: (message) => new Error(`usage: ${message}`),
    unreachable: (message) => new Error(`unreachable: ${message}`)
  }), { message: 'usage: the queue commands need the bullmq package: npm i bullmq' })
})

t.test('queue failed skips a job removed between listing its id and loading it (a retry elsewhere)', async (t) => {
  const queue = await queueWithFailures(t)
  if (queue === undefined) return
  const bullmq = await import('bullmq')
  // The real Queue on the real Redis; loading the first job removes it first, as a concurrent retry would.
  class RacingQueue extends bullmq.Queue {
    #raced = false
    override async getJob (id: string): Promise<Awaited<ReturnType<Queue['getJob']>>> {
      if (!this.#raced) { this.#raced = true; await this.remove(id) }
      return await super.getJob(id)
    }
  }
  const { queueCommand } = await t.mockImport<typeof import('../src/cli-queue.js')>('../src/cli-queue.js', { bullmq: { ...bullmq, Queue: RacingQueue } })
  let out = ''
  await queueCommand({ queue: queue.name, redis: redisUrl }, ['failed'], {
    stdout: (text) => { out += text },
    env: {},
    usage: (message) => new Error(message),
    unreachable: (message) => new Error(message)
  })
  t.match(out, `2 failed jobs in queue "${queue.name}", 1 listed\n`)
  t.equal(out.trim().split('\n').length, 2)
})
