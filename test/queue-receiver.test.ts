/**
 * Queue mode, the receiver's half, on the real Redis: a verified event is a BullMQ job before it
 * is answered 200; copies are not queued twice; a queue that cannot be reached is a 503.
 */
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { execFile, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Queue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import Fastify from 'fastify'
import elevenlabsWebhooks, { type WebhookJobData } from '../src/index.js'
import { jobIdOf } from '../src/queue/job.js'
import { build, secret, signed } from './helpers.js'
import { connectRedis } from './redis.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

const port = Number(process.env.TEST_REDIS_PORT ?? 6379)
const connection = { host: '127.0.0.1', port }

/** A queue of its own for one test, emptied and closed at its end; undefined (skipped) without Redis. */
async function testQueue (t: Test, options: { defaultJobOptions?: object } = {}): Promise<Queue | undefined> {
  const redis = await connectRedis(t)
  if (redis === undefined) return undefined
  const queue = new Queue(`test-queue-${randomUUID()}`, { connection, defaultJobOptions: options.defaultJobOptions })
  t.teardown(async () => {
    await queue.obliterate({ force: true })
    await queue.close()
  })
  return queue
}

const transcription = (conversationId = `conv_${randomUUID()}`): { type: string, data: Record<string, unknown> } =>
  ({ type: 'post_call_transcription', data: { agent_id: 'agent_1', conversation_id: conversationId } })
const now = (): number => Math.floor(Date.now() / 1000)

t.test('a delivery answered 200 is a job in Redis: named after its type, its exact body, its id from the idempotency key, retries that cover hours', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const { app } = await build({ queue })
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const event = transcription()
  const request = signed(event)
  const res = await app.inject(request)
  t.same([res.statusCode, res.json()], [200, { success: true, queued: true }])
  const key = `post_call_transcription:${event.data.conversation_id as string}`
  const job = await queue.getJob(jobIdOf(key)) as Job<WebhookJobData>
  t.equal(job.name, 'post_call_transcription')
  t.equal(job.data.body, request.payload, 'the verified bytes, as received')
  t.match(job.data, { bytes: Buffer.byteLength(request.payload as string), key })
  t.ok(Math.abs(job.data.receivedAt - Date.now()) < 60_000)
  t.match(job.opts, { attempts: 12, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: { age: 7200 }, removeOnFail: false })
  t.equal(ran, 0, 'no handler runs in the receiver: the workers run them')
  t.equal(await queue.getWaitingCount(), 1)
})

/**
 * A queue of its own whose connection goes through a TCP proxy in front of the real Redis, for
 * faults and for watching what the receiver sends; emptied over a direct connection at the end
 * (the proxy may be stopped by then). Undefined (skipped) without Redis.
 */
async function proxiedQueue (t: Test, options: { record?: boolean } = {}): Promise<{ proxy: TcpProxy, viaProxy: Redis, queue: Queue } | undefined> {
  const redis = await connectRedis(t)
  if (redis === undefined) return undefined
  const proxy = await startTcpProxy({ host: '127.0.0.1', port }, options)
  t.teardown(() => proxy.stop())
  const viaProxy = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null })
  viaProxy.on('error', () => {}) // a test may stop the proxy on purpose
  t.teardown(() => { viaProxy.disconnect() })
  const queue = new Queue(`test-queue-${randomUUID()}`, { connection: viaProxy })
  t.teardown(async () => {
    const cleaner = new Queue(queue.name, { connection })
    await cleaner.obliterate({ force: true })
    await cleaner.close()
    await queue.close()
  })
  return { proxy, viaProxy, queue }
}

/** The names of the Redis commands in RESP bytes a client sent (arrays of bulk strings). */
function commandNames (bytes: Buffer): string[] {
  const names: string[] = []
  let at = 0
  const line = (): string => {
    const end = bytes.indexOf('\r\n', at)
    const text = bytes.subarray(at, end).toString('latin1')
    at = end + 2
    return text
  }
  while (at < bytes.length) {
    const count = Number(line().slice(1))
    for (let i = 0; i < count; i++) {
      const length = Number(line().slice(1))
      if (i === 0) names.push(bytes.subarray(at, at + length).toString('latin1').toUpperCase())
      at += length + 2
    }
  }
  return names
}

t.test('a receipt asks Redis two things whatever the backlog: the job\'s own hash and the add; no waiting list is searched', async (t) => {
  const proxied = await proxiedQueue(t, { record: true })
  if (proxied === undefined) return
  const { proxy, queue } = proxied
  // A backlog, as when the workers fall behind: BullMQ's getJobState would search all of it
  // (LPOS on the waiting list) for every event that is not a copy.
  for (let i = 0; i < 5; i++) await queue.addBulk(Array.from({ length: 1000 }, (_, j) => ({ name: 'backlog', data: { n: i * 1000 + j } })))
  const { app } = await build({ queue })
  t.same((await app.inject(signed(transcription()))).json(), { success: true, queued: true }, 'a first event, which loads the scripts')
  const event = transcription()
  proxy.sent.length = 0
  t.same((await app.inject(signed(event))).json(), { success: true, queued: true })
  t.same(commandNames(Buffer.concat(proxy.sent)), ['HGETALL', 'EVALSHA'], 'one hash read, one script: the add')
  proxy.sent.length = 0
  t.same((await app.inject(signed(event))).json(), { success: true, duplicate: true })
  t.same(commandNames(Buffer.concat(proxy.sent)), ['HGETALL', 'EVALSHA'], 'the same for a copy')
  t.equal(await queue.getWaitingCount(), 5002)
})

/** Counts the writes to a socket from here on: what reaches the kernel as one write or writev. */
function countWrites (socket: { _write: (...args: never[]) => void, _writev?: (...args: never[]) => void }): { readonly count: number } {
  const counter = { count: 0 }
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name]!
    socket[name] = function (this: unknown, ...args: never[]) {
      counter.count++
      return original.apply(this, args)
    }
  }
  return counter
}

t.test('a receipt\'s lookup and add leave in one write to Redis, and those of events received together share it', async (t) => {
  const proxied = await proxiedQueue(t, { record: true })
  if (proxied === undefined) return
  const { proxy, viaProxy, queue } = proxied
  const { app } = await build({ queue })
  t.same((await app.inject(signed(transcription()))).json(), { success: true, queued: true }, 'a first event, which loads the scripts')
  const writes = countWrites(viaProxy.stream as unknown as Parameters<typeof countWrites>[0])
  proxy.sent.length = 0
  const event = transcription()
  t.same((await app.inject(signed(event))).json(), { success: true, queued: true })
  t.equal(writes.count, 1, 'one write')
  t.same(commandNames(Buffer.concat(proxy.sent)), ['HGETALL', 'EVALSHA'], 'the lookup first, then the add')
  t.same((await app.inject(signed(event))).json(), { success: true, duplicate: true }, 'a copy is still told apart')
  t.equal(writes.count, 2)

  // Three deliveries at once, as under load: their bodies read in one turn of the event loop.
  const answers = await Promise.all([transcription(), transcription(), transcription()].map((e) => app.inject(signed(e))))
  t.same(answers.map((res) => res.json()), Array(3).fill({ success: true, queued: true }))
  t.equal(writes.count - 2, 1, 'three receipts, one write')
  t.equal(await queue.getWaitingCount(), 5)
})

t.test('a queue that is not a BullMQ Queue on ioredis (a wrapper of the app\'s) is used through its add and getJob alone', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const calls: string[] = []
  const wrapper = {
    name: queue.name,
    defaultJobOptions: queue.defaultJobOptions,
    add: async (name: string, data: WebhookJobData, opts?: object) => { calls.push('add'); return await queue.add(name, data, opts) },
    getJob: async (id: string) => { calls.push('getJob'); return await queue.getJob(id) }
  }
  const { app } = await build({ queue: wrapper as unknown as Queue })
  const event = transcription()
  t.same((await app.inject(signed(event))).json(), { success: true, queued: true })
  t.same((await app.inject(signed(event))).json(), { success: true, duplicate: true })
  t.same(calls.sort(), ['add', 'add', 'getJob', 'getJob'])
  t.equal(await queue.getWaitingCount(), 1)
})

t.test('the queue\'s own defaultJobOptions win over this package\'s defaults', async (t) => {
  const queue = await testQueue(t, { defaultJobOptions: { attempts: 3, removeOnComplete: 100 } })
  if (queue === undefined) return
  const { app } = await build({ queue, idempotency: { ttl: 60_000 } })
  const event = transcription()
  await app.inject(signed(event))
  const job = await queue.getJob(jobIdOf(`post_call_transcription:${event.data.conversation_id as string}`)) as Job
  t.match(job.opts, { attempts: 3, removeOnComplete: 100, backoff: { type: 'exponential', delay: 10_000 }, removeOnFail: false })
})

t.test('a copy of a queued event is a duplicate whatever its job\'s state, and adds nothing', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const { app } = await build({ queue })
  const copies = async (event: unknown): Promise<unknown> => (await app.inject(signed(event, { timestamp: now() + 5 }))).json()
  const waiting = transcription()
  t.same((await app.inject(signed(waiting))).json(), { success: true, queued: true })
  t.same(await copies(waiting), { success: true, duplicate: true }, 'waiting')
  // Completed and failed: a worker takes the next two.
  const completed = transcription()
  const failed = transcription()
  await queue.drain()
  await app.inject(signed(completed))
  await app.inject(signed(failed))
  const worker = new Worker(queue.name, async (job: Job<WebhookJobData>) => {
    if (job.data.key === `post_call_transcription:${failed.data.conversation_id as string}`) throw new Error('handler failed')
  }, { connection, autorun: false })
  t.teardown(() => worker.close())
  let settled = 0
  const both = new Promise<void>((resolve) => {
    const one = (): void => { if (++settled === 2) resolve() }
    worker.on('completed', one)
    worker.on('failed', one)
  })
  worker.run().catch(() => {}) // closed at the end of the test
  await both
  t.same(await copies(completed), { success: true, duplicate: true }, 'completed')
  t.same(await copies(failed), { success: true, duplicate: true }, 'failed (kept for replay: a copy must not queue it again)')
  t.equal((await queue.getJobCounts('waiting', 'completed', 'failed')).waiting, 0, 'nothing added')
})

t.test('200 concurrent copies of one event across two receivers: one job', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const receivers = await Promise.all([1, 2].map(async () => (await build({ queue })).app))
  const event = transcription()
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => receivers[i % 2]!.inject(signed(event, { timestamp: now() + i }))))
  t.same(new Set(answers.map((r) => r.statusCode)), new Set([200]))
  t.ok(answers.every((r) => r.json().success === true))
  t.equal(await queue.count(), 1, 'one job')
  let runs = 0
  const worker = new Worker(queue.name, async () => { runs++ }, { connection })
  t.teardown(() => worker.close())
  await once(worker, 'completed')
  t.equal(runs, 1, 'the handler runs once')
})

t.test('a receiver killed right after its answer: the event is in Redis, and a worker started afterwards handles it', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const child: ChildProcess = execFile(process.execPath, [...process.execArgv, 'test/queue/receiver.ts'], {
    env: { ...process.env, QUEUE_NAME: queue.name, REDIS_PORT: String(port), WEBHOOK_SECRET: secret }
  })
  t.teardown(() => { child.kill('SIGKILL') })
  const [line] = await once(child.stdout!, 'data') as [Buffer]
  const address = /listening (\S+)/.exec(line.toString())![1]!
  const event = transcription()
  const request = signed(event)
  const res = await fetch(`${address}/webhook`, { method: 'POST', headers: request.headers as Record<string, string>, body: request.payload as string })
  t.same(await res.json(), { success: true, queued: true })
  child.kill('SIGKILL')
  await once(child, 'exit')
  const handled: string[] = []
  const worker = new Worker(queue.name, async (job: Job<WebhookJobData>) => { handled.push(JSON.parse(job.data.body!).data.conversation_id) }, { connection })
  t.teardown(() => worker.close())
  await once(worker, 'completed')
  t.same(handled, [event.data.conversation_id])
})

t.test('Redis unreachable: 503 with Retry-After within the bound, logged with type and id, nothing answered 200 that was not written; Redis back: the next delivery is queued, no restart', async (t) => {
  const proxied = await proxiedQueue(t)
  if (proxied === undefined) return
  const { proxy, viaProxy, queue } = proxied
  await queue.waitUntilReady()
  const { app, logs } = await build({ queue, idempotency: { storeTimeout: 200 } })
  await proxy.stop()
  const lost = transcription()
  const res = await app.inject(signed(lost))
  t.same([res.statusCode, res.headers['retry-after'], res.json().code], [503, '5', 'ELEVENLABS_QUEUE_UNAVAILABLE'])
  t.notMatch(res.body, /ECONN|within/)
  t.ok(logs.some((l) => l.level === 50 && l.eventType === 'post_call_transcription' && l.eventId === lost.data.conversation_id && String(l.msg).includes('ElevenLabs retries')))
  const audio = { type: 'post_call_audio', data: { agent_id: 'a', conversation_id: `conv_${randomUUID()}`, full_audio: 'AAAA' } }
  t.equal((await app.inject(signed(audio))).statusCode, 503)
  t.ok(logs.some((l) => l.level === 50 && l.eventType === 'post_call_audio' && String(l.msg).includes('does not retry this type')), 'the README says plainly what that means')
  await proxy.start()
  if (viaProxy.status !== 'ready') await once(viaProxy, 'ready') // ioredis reconnects on its own
  const next = transcription()
  t.same((await app.inject(signed(next))).json(), { success: true, queued: true })
  const direct = new Queue(queue.name, { connection })
  t.teardown(() => direct.close())
  t.ok(await direct.getJob(jobIdOf(`post_call_transcription:${next.data.conversation_id as string}`)), 'in Redis')
})

t.test('queue mode keeps what the envelope check rejects through onInvalid, and queues nothing of it', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const { app } = await build({ queue })
  const kept: string[] = []
  app.elevenlabs.onInvalid((invalid) => { kept.push(invalid.error.code) })
  t.same((await app.inject(signed('{"data":{}}'))).json(), { success: false })
  t.same((await app.inject(signed('not json'))).json(), { success: false })
  t.same(kept, ['ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', 'ELEVENLABS_PAYLOAD_INVALID_JSON'])
  t.equal(await queue.count(), 0)
  // Data is the workers' to validate: a schema fixed there mends replays.
  t.same((await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 42 } }))).json(), { success: true, queued: true })
})

t.test('idempotency: false queues every copy under an id of BullMQ\'s', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const { app } = await build({ queue, idempotency: false })
  const event = transcription()
  await app.inject(signed(event))
  await app.inject(signed(event, { timestamp: now() + 1 }))
  t.equal(await queue.count(), 2)
})

t.test('post_call_audio of 4 MiB and 32 MiB is queued like any other event', async (t) => {
  const queue = await testQueue(t)
  if (queue === undefined) return
  const { app } = await build({ queue })
  for (const mib of [4, 32]) {
    const conversationId = `conv_${randomUUID()}`
    const audio = Buffer.alloc(mib * 1024 * 1024 * 3 / 4, 7).toString('base64')
    const started = process.hrtime.bigint()
    const res = await app.inject(signed({ type: 'post_call_audio', data: { agent_id: 'a', conversation_id: conversationId, full_audio: audio } }))
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    t.same(res.json(), { success: true, queued: true }, `${mib} MiB`)
    const redis = await connectRedis(t)
    const bytes = await redis!.call('MEMORY', 'USAGE', `bull:${queue.name}:${jobIdOf(`post_call_audio:${conversationId}`)}`) as number
    t.comment(`${mib} MiB audio: answered in ${ms.toFixed(0)} ms (inject, this machine); the job holds ${(bytes / 1024 / 1024).toFixed(1)} MiB in Redis`)
    t.ok(bytes > mib * 1024 * 1024, 'the whole body is in Redis')
  }
})

t.test('a queue option that is not a Queue is refused at boot', async (t) => {
  for (const queue of [{}, null, { add: () => {} }]) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, queue: queue as never }).ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message: /BullMQ Queue/ })
  }
})
