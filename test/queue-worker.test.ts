/**
 * The worker side of queue mode (`fastify-elevenlabs-webhooks/bullmq`) on the real Redis: jobs are
 * made exactly as the receiver makes them (src/queue/job.ts), and run by createWorker.
 */
import t, { type Test } from 'tap'
import { randomBytes, randomUUID } from 'node:crypto'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { Queue, UnrecoverableError, type DefaultJobOptions } from 'bullmq'
import { Type } from '@sinclair/typebox'
import type { Redis } from 'ioredis'
import { createRouter, WebhookPayloadError, type InvalidWebhookEvent, type WebhookContext, type WebhookLogger } from '../src/index.js'
import {
  createWorker,
  DEFAULT_WORKER_CONCURRENCY,
  jobIdOf,
  jobOptions,
  retryFailed,
  type CreateWorkerOptions,
  type JobContext,
  type WebhookJob,
  type WebhookJobData,
  type WebhookWorker
} from '../src/bullmq.js'
import { connectRedis } from './redis.js'
import { deferred } from './helpers.js'

const port = Number(process.env.TEST_REDIS_PORT ?? 6379)
const connection = { host: '127.0.0.1', port }
/** The idempotency ttl the receiver passes by default (2 h). */
const TTL = 7_200_000

const Lead = Type.Object({ score: Type.Number() })
const Note = Type.Object({ text: Type.String() })

interface Line { level: 'error' | 'warn' | 'info', msg: string | undefined, [field: string]: unknown }

/** A logger that keeps its lines, for asserting what the worker logged. */
function memoryLogger (): { log: WebhookLogger, lines: Line[] } {
  const lines: Line[] = []
  const at = (level: Line['level']) => (obj: object, msg?: string) => { lines.push({ ...obj, level, msg }) }
  return { log: { error: at('error'), warn: at('warn'), info: at('info') }, lines }
}

interface Setup {
  redis: Redis
  name: string
  queue: Queue<WebhookJobData>
  lines: Line[]
  /** A worker of this test's queue, closed at the end of the test; logs to `lines` unless told otherwise. */
  worker: (router: Parameters<typeof createWorker>[1], options?: Partial<CreateWorkerOptions>) => WebhookWorker
  /** Adds a job exactly as the receiver does. */
  add: (type: string, body: string, key: string) => Promise<WebhookJob>
}

async function setup (t: Test, defaultJobOptions?: DefaultJobOptions): Promise<Setup | undefined> {
  const redis = await connectRedis(t)
  if (redis === undefined) return undefined
  const name = `test-worker-${randomUUID()}`
  const queue = new Queue<WebhookJobData>(name, { connection, defaultJobOptions })
  const workers: WebhookWorker[] = []
  const { log, lines } = memoryLogger()
  t.teardown(async () => {
    await Promise.all(workers.map(async (worker) => await worker.close(true)))
    await queue.obliterate({ force: true })
    await queue.close()
  })
  return {
    redis,
    name,
    queue,
    lines,
    worker: (router, options = {}) => {
      const worker = createWorker(name, router, { connection, log, ...options })
      workers.push(worker)
      return worker
    },
    add: async (type, body, key) => await queue.add(type,
      { body, bytes: Buffer.byteLength(body), receivedAt: Date.now(), key },
      { jobId: jobIdOf(key), ...jobOptions(queue, TTL) }) as WebhookJob
  }
}

/** Resolves with the job when `worker` emits `event` for the job `jobId`. */
function when (worker: WebhookWorker, event: 'completed' | 'failed', jobId: string): Promise<WebhookJob> {
  return new Promise((resolve) => {
    const listener = (job: WebhookJob | undefined): void => {
      if (job?.id !== jobId) return
      worker.off(event, listener)
      resolve(job)
    }
    worker.on(event, listener)
  })
}

function event (type: string, data: object): string {
  return JSON.stringify({ type, event_timestamp: 1_739_537_319, data })
}

/** A job as Redis holds it now. */
async function stored (queue: Queue<WebhookJobData>, jobId: string): Promise<WebhookJob> {
  const job = await queue.getJob(jobId)
  if (job === undefined) throw new Error(`job ${jobId} is not in Redis`)
  return job as WebhookJob
}

t.test('a handler that fails twice then succeeds completes on attempt 3, each retry after the queue\'s backoff', async (t) => {
  const s = await setup(t, { backoff: { type: 'fixed', delay: 50 } })
  if (s === undefined) return
  const router = createRouter<JobContext>().define('crm.lead', Lead)
  const runs: Array<{ attempt: number, jobAttempts: number, start: number, end: number }> = []
  const reported: number[] = []
  router.on('crm.lead', async (event, context) => {
    const start = Date.now()
    context.log.info({ score: event.data.score }, 'calling the CRM')
    await new Promise((resolve) => setImmediate(resolve))
    runs.push({ attempt: context.attempt, jobAttempts: context.job.attemptsMade, start, end: Date.now() })
    if (context.attempt < 3) throw new Error('CRM unavailable')
  })
  router.onError((_error, context) => { reported.push(context.attempt) })
  const worker = s.worker(router)
  const jobId = jobIdOf('crm.lead:1')
  const completed = when(worker, 'completed', jobId)
  await s.add('crm.lead', event('crm.lead', { score: 7 }), 'crm.lead:1')
  const job = await completed

  t.same(runs.map((run) => run.attempt), [1, 2, 3], 'the attempt number reached the handlers')
  t.same(runs.map((run) => run.jobAttempts), [0, 1, 2])
  t.same(reported, [1, 2], 'onError ran for each failed attempt')
  t.equal(job.attemptsMade, 3)
  t.equal(await job.getState(), 'completed')
  t.same(job.opts.backoff, { type: 'fixed', delay: 50 }, 'the queue\'s backoff, not the package default')
  t.equal(job.opts.attempts, 12, 'the package default fills in what the queue left unset')
  for (const i of [1, 2]) {
    const [before, after] = [runs[i - 1], runs[i]] as [typeof runs[number], typeof runs[number]]
    t.ok(after.start - before.end >= 49, `attempt ${i + 1} started after the 50 ms backoff (${after.start - before.end} ms)`)
  }
  t.equal((await stored(s.queue, jobId)).stacktrace?.length, 2, 'BullMQ kept both failures')
  t.match(s.lines.filter((line) => line.msg === 'calling the CRM'), [
    { level: 'info', jobId, eventType: 'crm.lead', attempt: 1, score: 7 },
    { attempt: 2 },
    { attempt: 3 }
  ], 'the context\'s logger adds the job id, type and attempt')
  const failures = s.lines.filter((line) => line.level === 'error')
  t.equal(failures.length, 2)
  t.match(failures[0], { jobId, eventType: 'crm.lead', attempt: 1, attempts: 12, err: { name: 'WebhookHandlerError', errors: [{ message: 'CRM unavailable' }] } })
})

t.test('invalid data fails the job at once, without retries, after onInvalid; fixed in a new worker, retryFailed replays it (optionally by type) and it completes', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const invalid: Array<{ invalid: InvalidWebhookEvent, jobId: string | undefined }> = []
  const strict = createRouter<JobContext>().define('crm.lead', Lead).define('crm.note', Note)
  strict.onInvalid((event, context) => { invalid.push({ invalid: event, jobId: context.job.id }) })
  const ran: string[] = []
  strict.onAny(() => { ran.push('strict') })
  const first = s.worker(strict)
  const leadBody = event('crm.lead', { score: 's3cr3t-value' })
  const noteBody = event('crm.note', { text: 42 })
  const lead = jobIdOf('crm.lead:2')
  const note = jobIdOf('crm.note:3')
  const failed = [when(first, 'failed', lead), when(first, 'failed', note)]
  await s.add('crm.lead', leadBody, 'crm.lead:2')
  await s.add('crm.note', noteBody, 'crm.note:3')
  await Promise.all(failed)

  const failedLead = await stored(s.queue, lead)
  t.equal(await failedLead.getState(), 'failed', 'in the failed set at once, not delayed for a retry')
  t.equal(failedLead.attemptsMade, 1)
  t.equal(failedLead.opts.attempts, 12, 'although attempts remained')
  t.equal(failedLead.failedReason, 'ELEVENLABS_PAYLOAD_INVALID_DATA at "/data/score": The "crm.lead" event is invalid: /data/score Expected number')
  t.notMatch(failedLead.failedReason, 's3cr3t', 'no value from the body in the reason')
  t.equal(failedLead.data.body, leadBody, 'a failed job keeps its body, for the replay')
  t.same(ran, [], 'no handler ran')
  t.equal(invalid.length, 2)
  const leadInvalid = invalid.find((entry) => entry.jobId === lead)
  t.equal(leadInvalid?.invalid.rawBody.toString('utf8'), leadBody, 'onInvalid got the raw bytes')
  t.match(leadInvalid?.invalid, { type: 'crm.lead', error: { code: 'ELEVENLABS_PAYLOAD_INVALID_DATA', path: '/data/score' } })
  t.match(s.lines.find((line) => line.jobId === lead), { level: 'error', code: 'ELEVENLABS_PAYLOAD_INVALID_DATA', path: '/data/score', attempt: 1 })
  await first.close()

  // The schema is fixed in a new worker: a lead's score may come as a string.
  const fixed = createRouter<JobContext>()
    .define('crm.lead', Type.Object({ score: Type.Union([Type.Number(), Type.String()]) }))
    .define('crm.note', Note)
  const handled: Array<{ score: unknown, attempt: number }> = []
  fixed.on('crm.lead', (event, context) => { handled.push({ score: event.data.score, attempt: context.attempt }) })
  const second = s.worker(fixed)
  const completed = when(second, 'completed', lead)
  t.equal(await retryFailed(s.queue, { types: ['crm.lead'] }), 1, 'only the lead was retried')
  await completed
  t.same(handled, [{ score: 's3cr3t-value', attempt: 1 }], 'replayed with its attempts afresh')
  t.equal(await s.queue.getJobState(lead), 'completed')
  t.equal(await s.queue.getJobState(note), 'failed', 'the note, of another type, stayed failed')
  t.equal(await retryFailed(s.queue, { types: ['crm.lead', 'voice.cloned'] }), 0, 'nothing of those types is left')

  // The note is still invalid for this worker too: retried, it fails again at once.
  const failedAgain = when(second, 'failed', note)
  t.equal(await retryFailed(s.queue), 1)
  t.equal((await failedAgain).attemptsMade, 1)
  t.equal(await s.queue.getJobState(note), 'failed')
})

t.test('retryFailed skips a job retried elsewhere meanwhile, and passes on any other failure', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const router = createRouter<JobContext>().define('crm.lead', Lead).define('crm.note', Note)
  const worker = s.worker(router)
  const ids = [jobIdOf('crm.lead:a'), jobIdOf('crm.lead:b')]
  const note = jobIdOf('crm.note:c')
  const failed = [...ids, note].map((id) => when(worker, 'failed', id))
  await s.add('crm.lead', event('crm.lead', {}), 'crm.lead:a')
  await s.add('crm.lead', event('crm.lead', {}), 'crm.lead:b')
  await s.add('crm.note', event('crm.note', {}), 'crm.note:c')
  await Promise.all(failed)
  await worker.close() // so that retried jobs stay in the wait list

  // Another replayer (a UI over the queue, say) retries the first job between the moment
  // retryFailed read the failed set and the moment it gets to that job.
  const replayer = new Queue<WebhookJobData>(s.name, { connection })
  t.teardown(() => replayer.close())
  const getJob = replayer.getJob.bind(replayer)
  replayer.getJob = async (id: string) => {
    const job = await getJob(id)
    if (id === ids[0]) await (await stored(s.queue, id)).retry('failed')
    return job
  }
  t.equal(await retryFailed(replayer, { types: ['crm.lead'] }), 1, 'the job retried elsewhere is not counted, and is no error')
  t.same((await s.queue.getWaiting()).map((job) => job.id).sort(), [...ids].sort())

  // A failure of Redis itself is not hidden.
  const broken = new Queue<WebhookJobData>(s.name, { connection })
  const brokenGetJob = broken.getJob.bind(broken)
  broken.getJob = async (id: string) => {
    const job = await brokenGetJob(id)
    await broken.close()
    return job
  }
  await t.rejects(retryFailed(broken), /Connection is closed/)
  t.equal(await s.queue.getJobState(note), 'failed')
})

t.test('a worker SIGKILLed mid-job: BullMQ\'s stalled-job check hands the job to another worker, which completes it once', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const child = spawn(process.execPath, [...process.execArgv, 'test/queue/stalling-worker.ts', s.name], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const started = new Promise<{ started: string, attempt: number, pid: number }>((resolve) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))))
    })
  })
  const jobId = jobIdOf('test.slow:1')
  await s.add('test.slow', event('test.slow', { n: 1 }), 'test.slow:1')
  const first = await started
  t.same(first, { started: jobId, n: 1, attempt: 1, pid: child.pid }, 'the child\'s handler started')
  t.equal(await s.queue.getJobState(jobId), 'active')

  const router = createRouter<JobContext>().define('test.slow', Type.Object({ n: Type.Number() }))
  const ran: Array<{ attempt: number, attemptsStarted: number }> = []
  router.on('test.slow', (event, context) => { ran.push({ attempt: context.attempt, attemptsStarted: context.job.attemptsStarted }) })
  const second = s.worker(router, { stalledInterval: 200, lockDuration: 1000 })
  let completions = 0
  second.on('completed', () => { completions++ })
  const completed = when(second, 'completed', jobId)
  child.kill('SIGKILL')
  await once(child, 'exit')
  const job = await completed

  t.same(ran, [{ attempt: 1, attemptsStarted: 2 }], 'the handler ran in the second worker, the job\'s second start')
  t.equal(job.stalledCounter, 1, 'recovered by the stalled-job check')
  t.equal(await s.queue.getJobState(jobId), 'completed')
  t.equal(completions, 1, 'completed once')
  t.match(s.lines.find((line) => line.level === 'warn'), { jobId, msg: /stalled/ })
})

t.test('worker.close() waits for the running job to finish; what it had not started stays queued for the next worker', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const router = createRouter<JobContext>().define('crm.lead', Lead)
  const release = deferred()
  const running = deferred()
  const done: string[] = []
  router.on('crm.lead', async (event, context) => {
    running.resolve()
    await release.promise
    done.push(context.job.id as string)
  })
  const worker = s.worker(router, { concurrency: 1 })
  const [a, b] = [jobIdOf('crm.lead:a'), jobIdOf('crm.lead:b')]
  await s.add('crm.lead', event('crm.lead', { score: 1 }), 'crm.lead:a')
  await s.add('crm.lead', event('crm.lead', { score: 2 }), 'crm.lead:b')
  await running.promise

  let closed = false
  const closing = worker.close().then(() => { closed = true })
  // Give close() every chance to return early: several turns of the event loop and Redis round trips.
  for (let i = 0; i < 5; i++) await s.redis.ping()
  t.equal(closed, false, 'close() is still waiting for the running job')
  t.equal(await s.queue.getJobState(a), 'active')
  release.resolve()
  await Promise.race([closing, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('close() did not return within 5 s')), 5000).unref())])
  t.same(done, [a], 'the running job finished')
  t.equal(await s.queue.getJobState(a), 'completed')
  t.equal(await s.queue.getJobState(b), 'waiting', 'the job not started is still queued')

  const next = s.worker(router)
  await when(next, 'completed', b)
  t.same(done, [a, b], 'and the next worker runs it')
})

t.test('worker.close() is bounded by closeTimeout: a hung handler does not hold a deploy, and its job is not lost', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const router = createRouter<JobContext>().define('crm.lead', Lead)
  const release = deferred()
  const running = deferred()
  router.on('crm.lead', async () => { running.resolve(); await release.promise })
  const worker = s.worker(router, { concurrency: 1, closeTimeout: 100 })
  const id = jobIdOf('crm.lead:hung')
  await s.add('crm.lead', event('crm.lead', { score: 1 }), 'crm.lead:hung')
  await running.promise
  await worker.close() // resolves after closeTimeout, the handler still hung
  t.ok(s.lines.some((line) => line.level === 'error' && line.msg?.includes('still running after closeTimeout') === true))
  t.equal(await s.queue.getJobState(id), 'active', 'still held by its worker: the stalled-job check takes it over once that worker is gone')
  const completed = when(worker, 'completed', id)
  release.resolve()
  await completed
  t.equal(await s.queue.getJobState(id), 'completed')
  t.throws(() => s.worker(router, { closeTimeout: 0 }), { code: 'ELEVENLABS_CONFIG_INVALID', message: /closeTimeout/ })
})

t.test('a completed job keeps its id but not its body (unless keepCompletedBodies), so a copy added while it is kept is not added again', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const router = createRouter<JobContext>().define('crm.lead', Lead)
  const ran: string[] = []
  router.on('crm.lead', (event, context) => { ran.push(context.job.id as string) })
  const worker = s.worker(router, { concurrency: 1 })
  const body = event('crm.lead', { score: 1 })
  const jobId = jobIdOf('crm.lead:1')
  const completed = when(worker, 'completed', jobId)
  const added = await s.add('crm.lead', body, 'crm.lead:1')
  await completed
  const job = await stored(s.queue, jobId)
  t.equal(await job.getState(), 'completed')
  t.same(job.data, { bytes: added.data.bytes, receivedAt: added.data.receivedAt, key: 'crm.lead:1' }, 'only the small fields are left')
  t.same(job.opts.removeOnComplete, { age: TTL / 1000 }, 'kept for the idempotency ttl')

  // A copy of the event, as a receiver would add it: BullMQ keeps the existing job.
  await s.add('crm.lead', body, 'crm.lead:1')
  t.same(await s.queue.getJobCounts('waiting', 'active', 'delayed', 'completed'), { waiting: 0, active: 0, delayed: 0, completed: 1 })
  const marker = jobIdOf('crm.lead:marker')
  const markerDone = when(worker, 'completed', marker)
  await s.add('crm.lead', event('crm.lead', { score: 2 }), 'crm.lead:marker')
  await markerDone
  t.same(ran, [jobId, marker], 'the copy did not run')

  const keeping = s.worker(router, { keepCompletedBodies: true })
  await worker.close()
  const kept = jobIdOf('crm.lead:kept')
  const keptDone = when(keeping, 'completed', kept)
  await s.add('crm.lead', body, 'crm.lead:kept')
  await keptDone
  t.equal((await stored(s.queue, kept)).data.body, body, 'keepCompletedBodies keeps it')

  // A job whose body was dropped, retried by hand: nothing to run, it fails without retries.
  const failed = when(keeping, 'failed', jobId)
  await job.retry('completed')
  const retried = await failed
  t.equal(retried.attemptsMade, 2, 'its completion and this one failed run: no retries')
  t.equal(await retried.getState(), 'failed')
  t.match(retried.failedReason, /has no body to run: its handlers succeeded before/)
  t.same(ran, [jobId, marker, kept])
})

t.test('a body that is not JSON fails at once; with no log option, errors and warnings are JSON lines on stderr, info is dropped', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const written: string[] = []
  const write = process.stderr.write
  process.stderr.write = ((chunk: string) => { written.push(chunk); return true }) as typeof process.stderr.write
  t.teardown(() => { process.stderr.write = write })
  const router = createRouter<JobContext>().define('crm.lead', Lead)
  router.on('crm.lead', async (event, context) => {
    context.log.info({ score: event.data.score }, 'not written')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    context.log.warn(circular, 'a line that cannot be serialised')
    context.log.error(new Error('an error logged as pino takes it'))
    if (event.data.score === 1) {
      // Redis refuses the update that drops the body: the job completes all the same.
      context.job.updateData = async () => { throw new Error('READONLY You can\'t write against a read only replica.') }
      return
    }
    throw new TypeError('the CRM said no')
  })
  const worker = s.worker(router, { log: undefined })
  const notJson = jobIdOf('crm.lead:not-json')
  const updateFails = jobIdOf('crm.lead:1')
  const handlerFails = jobIdOf('crm.lead:2')
  const settled = [when(worker, 'failed', notJson), when(worker, 'completed', updateFails), when(worker, 'failed', handlerFails)]
  await s.add('crm.lead', '{"type":"crm.lead","data":', 'crm.lead:not-json')
  await s.add('crm.lead', event('crm.lead', { score: 1 }), 'crm.lead:1')
  await s.add('crm.lead', event('crm.lead', { score: 2 }), 'crm.lead:2')
  const [invalid] = await Promise.all(settled)
  process.stderr.write = write

  t.equal(invalid?.attemptsMade, 1)
  t.match(invalid?.failedReason, /^ELEVENLABS_PAYLOAD_INVALID_JSON at "": The webhook body is not valid JSON/)
  t.equal((await stored(s.queue, updateFails)).data.body, event('crm.lead', { score: 1 }), 'the body stayed, the job completed')
  t.equal(await s.queue.getJobState(handlerFails), 'delayed', 'the failed handler is retried after the backoff')
  const lines = written.join('').split('\n').filter((line) => line.startsWith('{"level"')).map((line) => JSON.parse(line) as Record<string, unknown>)
  t.notOk(lines.some((line) => line.msg === 'not written'), 'info is dropped')
  t.match(lines.filter((line) => line.jobId === notJson), [
    { level: 'error', code: 'ELEVENLABS_PAYLOAD_INVALID_JSON', path: '', msg: /invalid/ }
  ])
  t.match(lines.filter((line) => line.jobId === updateFails), [
    { level: 'warn', eventType: 'crm.lead', self: '[not serialisable]', msg: 'a line that cannot be serialised' },
    { level: 'error', err: { type: 'Error', message: 'an error logged as pino takes it', stack: /^Error: / } },
    { level: 'warn', eventType: 'crm.lead', attempt: 1, msg: /Could not drop the body/, err: { message: /READONLY/ } }
  ])
  t.match(lines.find((line) => line.jobId === handlerFails && line.err !== undefined && (line.err as { type: string }).type === 'WebhookHandlerError'), {
    level: 'error',
    attempts: 12,
    err: { code: 'ELEVENLABS_HANDLER_FAILED', message: /A handler for the "crm.lead" webhook event failed/, errors: [{ type: 'TypeError', message: 'the CRM said no' }] }
  })
  t.ok(lines.every((line) => typeof line.time === 'number'))
})

t.test('post_call_audio of 4 MiB and 32 MiB go through the worker, and completion leaves only a small job in Redis', async (t) => {
  const s = await setup(t)
  if (s === undefined) return
  const router = createRouter<JobContext>()
  const sizes: number[] = []
  router.on('post_call_audio', (event) => { sizes.push(event.data.full_audio.length) })
  for (const mib of [4, 32]) {
    const audio = randomBytes(mib * 1024 * 1024 * 3 / 4).toString('base64') // mib MiB of base64, as the receiver test sends
    const body = event('post_call_audio', { agent_id: 'agent_1', conversation_id: `conv_${mib}`, full_audio: audio })
    const key = `post_call_audio:conv_${mib}`
    const jobId = jobIdOf(key)
    const hash = `bull:${s.name}:${jobId}`
    let start = Date.now()
    await s.add('post_call_audio', body, key)
    const addMs = Date.now() - start
    const queued = Number(await s.redis.call('MEMORY', 'USAGE', hash, 'SAMPLES', '0'))
    const worker = s.worker(router)
    start = Date.now()
    const done = await when(worker, 'completed', jobId)
    const runMs = Date.now() - start
    const completed = Number(await s.redis.call('MEMORY', 'USAGE', hash, 'SAMPLES', '0'))
    await worker.close()
    t.equal(sizes.at(-1), audio.length, `${mib} MiB: the handler got the whole audio`)
    t.equal(done.data.body, undefined)
    t.equal((await stored(s.queue, jobId)).data.body, undefined, `${mib} MiB: the body is gone after completion`)
    t.ok(completed < queued)
    t.comment(`${mib} MiB post_call_audio (body ${Buffer.byteLength(body)} bytes): MEMORY USAGE of the job ${queued} bytes (${(queued / 1024 / 1024).toFixed(1)} MiB) while queued, ${completed} bytes once completed; add ${addMs} ms, worker start to completed ${runMs} ms`)
  }
})

t.test('createWorker refuses what is not a router, and its types refuse a router whose handlers need more than a job gives', async (t) => {
  t.throws(() => createWorker('q', {} as never, { connection }), { code: 'ELEVENLABS_CONFIG_INVALID', message: /createRouter\(\)/ })
  t.throws(() => createWorker('q', null as never, { connection }), { code: 'ELEVENLABS_CONFIG_INVALID' })
  const typeOnly = (): unknown => {
    const needsRequest = createRouter<WebhookContext & { ip: string }>()
    // @ts-expect-error the handlers want `ip`, which a job's context does not have
    createWorker('q', needsRequest, { connection })
    // The default router (WebhookContext) and a JobContext router are fine.
    createWorker('q', createRouter(), { connection })
    return createWorker('q', createRouter<JobContext>().define('x.y', Lead), { connection, concurrency: 2 })
  }
  t.type(typeOnly, 'function')
  t.equal(DEFAULT_WORKER_CONCURRENCY, 4)
})

t.test('the worker logs BullMQ\'s own errors (Redis unreachable) through its log, and applies its default concurrency', async (t) => {
  const { log, lines } = memoryLogger()
  const router = createRouter()
  const worker = createWorker(`test-worker-${randomUUID()}`, router, {
    connection: { host: '127.0.0.1', port: 1, retryStrategy: () => 1000, maxRetriesPerRequest: null },
    log
  })
  t.equal(worker.concurrency, DEFAULT_WORKER_CONCURRENCY)
  await new Promise<void>((resolve) => worker.once('error', () => { setImmediate(resolve) }))
  t.match(lines[0], { level: 'error', msg: 'BullMQ worker error', err: { message: /ECONNREFUSED/ } })
  await worker.close(true)
})

t.test('the subpath exports what those who enqueue events themselves need', async (t) => {
  t.equal(jobIdOf('post_call_transcription:conv_1'), 'k_post_call_transcription%3Aconv_1')
  t.type(UnrecoverableError, 'function')
  t.type(WebhookPayloadError, 'function')
})
