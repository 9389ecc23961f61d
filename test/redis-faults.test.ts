/**
 * Faults between the plugin and a real Redis: replies lost to a connection reset, an unreachable
 * Redis, a client closed by another onClose hook. A TCP proxy in front of Redis injects them.
 */
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { Redis, type RedisOptions } from 'ioredis'
import { RedisStore, type IdempotencyStore } from '../src/index.js'
import { build, deferred, signed, sleep } from './helpers.js'
import { connectRedis } from './redis.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

const now = (): number => Math.floor(Date.now() / 1000)
const transcription = (conversationId: string): unknown =>
  ({ type: 'post_call_transcription', event_timestamp: 1_700_000_000, data: { agent_id: 'agent_1', conversation_id: conversationId, status: 'done' } })
/** A retry of the same body: ElevenLabs signs it afresh, with a later timestamp. */
const resigned = (body: unknown, secondsLater: number): ReturnType<typeof signed> => signed(body, { timestamp: now() + secondsLater })

interface Faulty {
  /** A client straight to Redis, to read keys as they are. */
  direct: Redis
  /** An ioredis client behind the proxy, with `options` and nothing else set. */
  client: Redis
  /** The errors `client` emitted. */
  errors: Error[]
  proxy: TcpProxy
  /** Unique per test; every key under it is deleted at the end. */
  prefix: string
}

/** Redis, a proxy in front of it and a client through the proxy; undefined (test skipped) without Redis. */
async function faulty (t: Test, options: RedisOptions = {}): Promise<Faulty | undefined> {
  const direct = await connectRedis(t)
  if (direct === undefined) return undefined
  const prefix = `test:faults:${randomUUID()}:`
  t.teardown(async () => {
    const keys = await direct.keys(`${prefix}*`)
    if (keys.length > 0) await direct.del(...keys)
  })
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: direct.options.port ?? 6379 })
  t.teardown(() => proxy.stop())
  const client = new Redis({ ...options, host: '127.0.0.1', port: proxy.port })
  t.teardown(() => { client.disconnect() })
  // Without a listener ioredis prints every reset; here the resets are the point.
  const errors: Error[] = []
  client.on('error', (err: Error) => { errors.push(err) })
  // Connected and past its handshake: the next reply on the wire is the test's.
  await client.ping()
  return { direct, client, errors, proxy, prefix }
}

async function ready (client: Redis): Promise<void> {
  if (client.status !== 'ready') await once(client, 'ready')
}

type StoreMethod = 'claim' | 'complete' | 'release'

/** A store that keeps track of its calls in flight, so that a test can wait for them, not for a time. */
function watched (store: IdempotencyStore): IdempotencyStore & { settled: (...methods: StoreMethod[]) => Promise<void> } {
  const pending = new Map<Promise<void>, StoreMethod>()
  function watch<T> (method: StoreMethod, call: () => T | PromiseLike<T>): Promise<T> {
    const result = Promise.resolve().then(call)
    const done = result.then(() => {}, () => {})
    pending.set(done, method)
    done.then(() => { pending.delete(done) }, () => {})
    return result
  }
  return {
    claim: (key, token, lease) => watch('claim', () => store.claim(key, token, lease)),
    complete: (key, token, ttl) => watch('complete', () => store.complete(key, token, ttl)),
    release: (key, token) => watch('release', () => store.release(key, token)),
    /** Resolves once no call of `methods` (default: any) is in flight, counting the calls the settled ones lead to. */
    async settled (...methods) {
      for (;;) {
        // Whatever reacts to a settled call (a release after a late claim) has run by the next turn.
        await new Promise((resolve) => setImmediate(resolve))
        const waiting = [...pending].filter(([, method]) => methods.length === 0 || methods.includes(method)).map(([done]) => done)
        if (waiting.length === 0) return
        await Promise.all(waiting)
      }
    }
  }
}

t.test('a claim re-run with its own token: claimed while it holds the key, done once completed, never taken back', async (t) => {
  const direct = await connectRedis(t)
  if (direct === undefined) return
  const prefix = `test:faults:${randomUUID()}:`
  t.teardown(() => direct.del(`${prefix}k`))
  const store = new RedisStore(direct, { prefix })
  t.equal(await store.claim('k', 'tok', 10_000), 'claimed')
  t.equal(await store.claim('k', 'tok', 10_000), 'claimed', 'the same claim applied twice is still its own')
  t.equal(await store.claim('k', 'other', 10_000), 'processing', 'another token is still refused')
  await store.complete('k', 'tok', 10_000)
  t.equal(await store.claim('k', 'tok', 10_000), 'done', 'a stale re-run after complete does not run the handlers again')
  t.equal(await direct.get(`${prefix}k`), 'done:tok', 'and does not turn done back into processing')
})

t.test('a claim whose reply is lost to a connection reset still belongs to its delivery', async (t) => {
  const setup = await faulty(t)
  if (setup === undefined) return
  const { direct, client, errors, proxy, prefix } = setup
  const store = new RedisStore(client, { prefix })
  const dropped = proxy.dropNextReply()
  // ioredis (defaults) reconnects and sends the EVAL again: Redis runs the claim a second time.
  const state = await store.claim('k', 'tok', 10_000)
  await dropped
  t.equal(state, 'claimed')
  t.equal(proxy.connections, 2, 'the answer came over a new connection')
  t.ok(errors.some((err) => (err as NodeJS.ErrnoException).code === 'ECONNRESET'), 'the client saw the reset')
  t.equal(await direct.get(`${prefix}k`), 'processing:tok')
  await store.complete('k', 'tok', 10_000)
  t.equal(await direct.get(`${prefix}k`), 'done:tok')
})

t.test('a delivery whose claim reply is lost to a reset is handled once: 200, done, and its copy is a duplicate', async (t) => {
  const setup = await faulty(t)
  if (setup === undefined) return
  const { direct, client, proxy, prefix } = setup
  const { app, logs } = await build({ idempotency: { store: new RedisStore(client, { prefix }) } })
  t.teardown(() => app.close())
  let runs = 0
  app.elevenlabs.on('post_call_transcription', () => { runs++ })
  const conversationId = `conv_${randomUUID()}`
  const event = transcription(conversationId)
  const dropped = proxy.dropNextReply()
  const first = await app.inject(resigned(event, 0))
  await dropped
  t.equal(first.statusCode, 200)
  t.same(first.json(), { success: true })
  t.equal(runs, 1)
  t.match(await direct.get(`${prefix}post_call_transcription:${conversationId}`), /^done:/)
  const copy = await app.inject(resigned(event, 5))
  t.equal(copy.statusCode, 200)
  t.same(copy.json(), { success: true, duplicate: true })
  t.equal(runs, 1)
  t.notOk(logs.some((l) => l.level >= 50), 'nothing went wrong that needed logging')
})

t.test('a claim resent after the delivery gave up on it is released: the retry runs, not a 429 for the lease', async (t) => {
  const setup = await faulty(t)
  if (setup === undefined) return
  const { direct, client, proxy, prefix } = setup
  const store = watched(new RedisStore(client, { prefix }))
  const { app } = await build({ idempotency: { store, storeTimeout: 200 } })
  t.teardown(() => app.close())
  let runs = 0
  app.elevenlabs.on('post_call_transcription', () => { runs++ })
  const conversationId = `conv_${randomUUID()}`
  const event = transcription(conversationId)
  // The reply is lost and Redis stays unreachable (before ioredis' first reconnect, a timer away)
  // until the delivery has given up; then ioredis reconnects and resends the claim.
  const stopped = proxy.dropNextReply().then(() => proxy.stop())
  const first = await app.inject(resigned(event, 0))
  await stopped
  t.equal(first.statusCode, 503)
  t.equal(first.json().code, 'ELEVENLABS_STORE_UNAVAILABLE')
  t.equal(runs, 0)
  await proxy.start()
  await store.settled()
  t.equal(await direct.get(`${prefix}post_call_transcription:${conversationId}`), null, 'the resent claim was released')
  const retry = await app.inject(resigned(event, 60))
  t.equal(retry.statusCode, 200)
  t.equal(runs, 1)
  t.match(await direct.get(`${prefix}post_call_transcription:${conversationId}`), /^done:/)
})

// Contract of the change in src/delivery.ts (issue 12): a claim that rejects or times out is
// released (best effort); a retried type answers 503, any other type runs its handlers anyway.
for (const [name, options] of [
  // The claim rejects (MaxRetriesPerRequestError) as soon as the connection closes.
  ['rejects', { maxRetriesPerRequest: 0 }],
  // ioredis 6.0.0 drops the in-flight claim without settling it (redis/ioredis#2193): it times out.
  ['is never answered', { autoResendUnfulfilledCommands: false }]
] as const) {
  t.test(`a post_call_transcription whose claim ${name} after Redis applied it: 503, then the retry runs and is done`, async (t) => {
    const setup = await faulty(t, options)
    if (setup === undefined) return
    const { direct, client, proxy, prefix } = setup
    const store = watched(new RedisStore(client, { prefix }))
    const { app } = await build({ idempotency: { store, storeTimeout: 200 } })
    t.teardown(() => app.close())
    let runs = 0
    app.elevenlabs.on('post_call_transcription', () => { runs++ })
    const conversationId = `conv_${randomUUID()}`
    const event = transcription(conversationId)
    const dropped = proxy.dropNextReply()
    const first = await app.inject(resigned(event, 0))
    await dropped
    t.equal(first.statusCode, 503)
    t.ok(first.headers['retry-after'], 'with Retry-After')
    t.equal(runs, 0)
    await ready(client)
    await store.settled('release', 'complete')
    const retry = await app.inject(resigned(event, 60))
    t.equal(retry.statusCode, 200, 'not 429 for the rest of the lease')
    t.equal(runs, 1)
    t.match(await direct.get(`${prefix}post_call_transcription:${conversationId}`), /^done:/)
  })
}

t.test('a voice.cloned whose claim rejects after Redis applied it runs its handlers anyway: 200, claim released', async (t) => {
  const setup = await faulty(t, { maxRetriesPerRequest: 0 })
  if (setup === undefined) return
  const { direct, client, proxy, prefix } = setup
  const store = watched(new RedisStore(client, { prefix }))
  const { app } = await build({ idempotency: { store } })
  t.teardown(() => app.close())
  let runs = 0
  app.elevenlabs.on('voice.cloned', () => { runs++ })
  const voiceId = `voice_${randomUUID()}`
  const dropped = proxy.dropNextReply()
  const res = await app.inject(signed({ type: 'voice.cloned', data: { voice_id: voiceId } }))
  await dropped
  t.equal(res.statusCode, 200, 'ElevenLabs never retries it: run it rather than lose it')
  t.equal(runs, 1)
  await ready(client)
  await store.settled('release', 'complete')
  t.notMatch(await direct.get(`${prefix}voice.cloned:${voiceId}`) ?? '', /^processing:/, 'no claim left to block a copy for the lease')
})

t.test('close() drains acknowledged handlers before an onClose hook quits their Redis client', async (t) => {
  const direct = await connectRedis(t)
  if (direct === undefined) return
  const prefix = `test:faults:${randomUUID()}:`
  const conversationId = `conv_${randomUUID()}`
  const key = `${prefix}post_call_transcription:${conversationId}`
  t.teardown(() => direct.del(key))
  // The app's own client, as in the README: the app quits it when it closes.
  const redis = new Redis({ host: '127.0.0.1', port: direct.options.port ?? 6379 })
  t.teardown(() => { redis.disconnect() })
  const { app, logs } = await build({ idempotency: { store: new RedisStore(redis, { prefix }) }, ackTimeout: 20 })
  app.addHook('onClose', async () => { await redis.quit() })
  let finished = false
  const gate = deferred()
  app.elevenlabs.on('post_call_transcription', async () => { await gate.promise; finished = true })
  const res = await app.inject(signed(transcription(conversationId)))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true, pending: true })
  t.equal(finished, false, 'the handler outlived the acknowledgement')
  const closing = app.close()
  await sleep(20) // close is under way, the handler still held
  gate.resolve()
  await closing
  t.equal(finished, true)
  t.match(await direct.get(key), /^done:/, 'complete reached Redis before the client was quit')
  t.same(logs.filter((l) => l.level >= 50).map((l) => l.msg), [], 'nothing failed')
})

t.test('Redis down: a non-retried type still runs its handlers once, answered 200; a transcript gets 503 and runs on the retry', async (t) => {
  const setup = await faulty(t)
  if (setup === undefined) return
  const { direct, client, proxy, prefix } = setup
  const { app, logs } = await build({ idempotency: { store: new RedisStore(client, { prefix }), storeTimeout: 100 } })
  t.teardown(() => app.close())
  let audio = 0
  let transcripts = 0
  app.elevenlabs.on('post_call_audio', () => { audio++ })
  app.elevenlabs.on('post_call_transcription', () => { transcripts++ })
  await proxy.stop() // ioredis (defaults) queues its commands and reconnects, in vain
  const conversationId = `conv_${randomUUID()}`
  const audioRes = await app.inject(signed({ type: 'post_call_audio', data: { agent_id: 'a', conversation_id: conversationId, full_audio: 'AAAA' } }))
  t.same([audioRes.statusCode, audioRes.json(), audio], [200, { success: true }, 1], 'audio is never retried: run once rather than lose it')
  t.ok(logs.some((l) => l.level === 50 && l.eventType === 'post_call_audio' && l.eventId === conversationId && String(l.msg).includes('without a duplicate check')))
  const transcript = transcription(conversationId)
  const refused = await app.inject(resigned(transcript, 0))
  t.same([refused.statusCode, refused.headers['retry-after'], transcripts], [503, '5', 0])
  await proxy.start()
  await ready(client)
  const retry = await app.inject(resigned(transcript, 30))
  t.same([retry.statusCode, retry.json(), transcripts], [200, { success: true }, 1], 'the retry runs, not held by the claim queued while Redis was down')
  t.match(await direct.get(`${prefix}post_call_transcription:${conversationId}`), /^done:/)
})
