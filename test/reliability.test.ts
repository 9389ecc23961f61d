import t from 'tap'
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import elevenlabsWebhooks, {
  MemoryStore,
  RedisStore,
  WebhookHandlerError,
  type IdempotencyStore
} from '../src/index.js'
import { appWithLogs, build, deferred, secret, signed, sleep } from './helpers.js'
import { connectRedis } from './redis.js'

const now = (): number => Math.floor(Date.now() / 1000)
const transcription = (conversationId = `conv_${randomUUID()}`): unknown =>
  ({ type: 'post_call_transcription', event_timestamp: 1_700_000_000, data: { agent_id: 'agent_1', conversation_id: conversationId, status: 'done' } })

/** A retry of the same body: ElevenLabs signs it afresh, with a later timestamp. */
const resigned = (body: unknown, secondsLater: number): ReturnType<typeof signed> => signed(body, { timestamp: now() + secondsLater })

t.test('a re-signed copy of a processed event: 200, marked duplicate, handler not run again', async (t) => {
  const { app } = await build()
  let runs = 0
  app.elevenlabs.on('post_call_transcription', () => { runs++ })
  const event = transcription()
  const first = await app.inject(resigned(event, 0))
  t.same(first.json(), { success: true })
  const copy = await app.inject(resigned(event, 5))
  t.equal(copy.statusCode, 200)
  t.same(copy.json(), { success: true, duplicate: true })
  t.equal(runs, 1)
  // Another conversation, or the same conversation under another type, is another event.
  t.same((await app.inject(resigned(transcription(), 0))).json(), { success: true })
  const audio = { type: 'post_call_audio', data: { agent_id: 'a', conversation_id: (event as { data: { conversation_id: string } }).data.conversation_id, full_audio: 'AAAA' } }
  t.same((await app.inject(resigned(audio, 0))).json(), { success: true })
  t.equal(runs, 2)
})

/** A MemoryStore that resolves `claimed(n)` once it has answered n claims: a gate for race tests that does not depend on timing. */
function countingStore (): IdempotencyStore & { claimed: (n: number) => Promise<void> } {
  const inner = new MemoryStore()
  let count = 0
  const waiters: Array<{ n: number, resolve: () => void }> = []
  return {
    claim: (key, token, lease) => {
      const state = inner.claim(key, token, lease)
      count++
      for (const w of waiters) if (count >= w.n) w.resolve()
      return state
    },
    complete: (key, token, ttl) => inner.complete(key, token, ttl),
    release: (key, token) => inner.release(key, token),
    claimed: (n) => new Promise((resolve) => { if (count >= n) resolve(); else waiters.push({ n, resolve }) })
  }
}

t.test('N concurrent copies (different signatures, same body) run the handler exactly once', async (t) => {
  const store = countingStore()
  const { app } = await build({ idempotency: { store } })
  let runs = 0
  const gate = deferred()
  app.elevenlabs.on('post_call_transcription', async () => { runs++; await gate.promise })
  const event = transcription()
  const copies = Array.from({ length: 20 }, (_, i) => app.inject(resigned(event, i)))
  await store.claimed(20) // every copy has asked while the first is still held
  gate.resolve()
  const responses = await Promise.all(copies)
  const statuses = responses.map((r) => r.statusCode)
  t.equal(runs, 1)
  t.equal(statuses.filter((s) => s === 200).length, 1)
  // The others were told to come back: retryable, never a final 4xx.
  const waiting = responses.filter((r) => r.statusCode === 429)
  t.equal(waiting.length, 19)
  t.equal(waiting[0]?.headers['retry-after'], '10')
  t.equal(waiting[0]?.json().code, 'ELEVENLABS_DELIVERY_IN_PROGRESS')
  // And once done, a late copy is a duplicate.
  t.same((await app.inject(resigned(event, 30))).json(), { success: true, duplicate: true })
  t.equal(runs, 1)
})

t.test('a failing first attempt releases its claim: the retry runs the handler again and succeeds', async (t) => {
  const { app } = await build()
  let runs = 0
  app.elevenlabs.on('post_call_transcription', () => {
    runs++
    if (runs === 1) throw new Error('database down')
  })
  const event = transcription()
  t.equal((await app.inject(resigned(event, 0))).statusCode, 500)
  t.equal((await app.inject(resigned(event, 60))).statusCode, 200)
  t.equal(runs, 2)
  t.same((await app.inject(resigned(event, 120))).json(), { success: true, duplicate: true })
})

t.test('a copy that arrives while the first is running, which then fails: the later retry still runs', async (t) => {
  const { app } = await build()
  let runs = 0
  const gate = deferred()
  const started = deferred()
  app.elevenlabs.on('post_call_transcription', async () => {
    runs++
    if (runs === 1) { started.resolve(); await gate.promise; throw new Error('timeout talking to CRM') }
  })
  const event = transcription()
  const first = app.inject(resigned(event, 0))
  await started.promise
  const during = await app.inject(resigned(event, 1))
  t.equal(during.statusCode, 429)
  gate.resolve()
  t.equal((await first).statusCode, 500)
  t.equal((await app.inject(resigned(event, 2))).statusCode, 200)
  t.equal(runs, 2)
})

t.test('idempotency keys: fallback on the body hash, custom key, and off', async (t) => {
  await t.test('types without an id are keyed by their body, stable across signatures', async (t) => {
    const { app } = await build()
    let runs = 0
    app.elevenlabs.on('usage.threshold', () => { runs++ })
    const body = { type: 'usage.threshold', event_timestamp: 1_700_000_000, data: { threshold: 80 } }
    await app.inject(resigned(body, 0))
    t.same((await app.inject(resigned(body, 9))).json(), { success: true, duplicate: true })
    await app.inject(resigned({ ...body, event_timestamp: 1_700_086_400 }, 0))
    t.equal(runs, 2)
  })
  await t.test('post_call_transcription_otel is keyed by its conversation_id, beside the traces', async (t) => {
    const { app } = await build()
    let runs = 0
    app.elevenlabs.on('post_call_transcription_otel', () => { runs++ })
    const conversationId = `conv_${randomUUID()}`
    const body = (spanName: string): unknown => ({ type: 'post_call_transcription_otel', data: { agent_id: 'a', conversation_id: conversationId, otlp_traces: { resourceSpans: [{ scopeSpans: [{ spans: [{ name: spanName }] }] }] } } })
    t.same((await app.inject(resigned(body('conversation'), 0))).json(), { success: true })
    t.same((await app.inject(resigned(body('re-exported'), 5))).json(), { success: true, duplicate: true }, 'the same conversation, whatever the traces hold')
    t.equal(runs, 1)
  })
  await t.test('a key function replaces the default; undefined falls back to it', async (t) => {
    const { app } = await build({
      idempotency: { key: (event) => event.type === 'voice.cloned' ? 'every-voice-the-same' : undefined }
    })
    let runs = 0
    app.elevenlabs.onAny(() => { runs++ })
    await app.inject(resigned({ type: 'voice.cloned', data: { voice_id: 'a' } }, 0))
    t.same((await app.inject(resigned({ type: 'voice.cloned', data: { voice_id: 'b' } }, 0))).json(), { success: true, duplicate: true })
    await app.inject(resigned({ type: 'audio.generated', data: { audio_id: 'x' } }, 0))
    t.same((await app.inject(resigned({ type: 'audio.generated', data: { audio_id: 'x' } }, 3))).json(), { success: true, duplicate: true })
    t.equal(runs, 2)
  })
  await t.test('idempotency: false runs every copy', async (t) => {
    const { app } = await build({ idempotency: false })
    let runs = 0
    app.elevenlabs.onAny(() => { runs++ })
    const event = transcription()
    await app.inject(resigned(event, 0))
    await app.inject(resigned(event, 1))
    t.equal(runs, 2)
  })
})

/** A store that counts calls and can be made to fail or hang. */
function spyStore (behaviour: { claim?: 'fail' | 'hang' | 'fail late', complete?: 'fail', release?: 'fail' } = {}): IdempotencyStore & { calls: string[] } {
  const inner = new MemoryStore()
  const calls: string[] = []
  const act = async <T>(name: 'claim' | 'complete' | 'release', work: () => T): Promise<T> => {
    calls.push(name)
    if (behaviour[name] === 'fail') throw new Error(`ECONNREFUSED 127.0.0.1:6379 (${name})`)
    if (behaviour[name] === 'hang') await new Promise(() => {})
    if (behaviour[name] === 'fail late') { await sleep(100); throw new Error(`ECONNRESET 127.0.0.1:6379 (${name})`) }
    return work()
  }
  return {
    calls,
    claim: (key, token, lease) => act('claim', () => inner.claim(key, token, lease)),
    complete: (key, token, ttl) => act('complete', () => inner.complete(key, token, ttl)),
    release: (key, token) => act('release', () => inner.release(key, token))
  }
}

t.test('store failures on post_call_transcription (retried): unreachable or slow → 503 with Retry-After and no handler; nothing leaks', async (t) => {
  for (const claim of ['fail', 'hang'] as const) {
    const store = spyStore({ claim })
    const { app, logs } = await build({ idempotency: { store, storeTimeout: 50 } })
    let runs = 0
    app.elevenlabs.onAny(() => { runs++ })
    const res = await app.inject(signed(transcription()))
    t.equal(res.statusCode, 503, claim)
    t.equal(res.headers['retry-after'], '5')
    t.equal(res.json().code, 'ELEVENLABS_STORE_UNAVAILABLE')
    t.notMatch(res.body, /ECONNREFUSED|within 50 ms/)
    t.equal(runs, 0)
    t.ok(logs.some((l) => l.level === 50 && JSON.stringify(l).includes(claim === 'fail' ? 'ECONNREFUSED' : 'did not answer within 50 ms')))
  }
})

t.test('store failures on a type ElevenLabs does not retry: the handlers run anyway, once, answered 200, logged', async (t) => {
  for (const claim of ['fail', 'hang', 'fail late'] as const) {
    const store = spyStore({ claim, release: 'fail' })
    const { app, logs } = await build({ idempotency: { store, storeTimeout: 50 } })
    let runs = 0
    app.elevenlabs.on('voice.cloned', () => { runs++ })
    const res = await app.inject(signed({ type: 'voice.cloned', data: { voice_id: `v_${claim}` } }))
    t.same([res.statusCode, res.json()], [200, { success: true }], claim)
    t.equal(runs, 1, `${claim}: at least once beats never`)
    t.ok(logs.some((l) => l.level === 50 && l.eventType === 'voice.cloned' && l.eventId === `v_${claim}` && String(l.msg).includes('without a duplicate check')))
    // A claim that failed or timed out may still have been recorded: it is released, never completed.
    t.same(store.calls, ['claim', 'release'], claim)
  }
})

t.test('a synchronous store that throws is handled like one that rejects', async (t) => {
  const memory = new MemoryStore()
  const releases: string[] = []
  const store: IdempotencyStore = {
    claim: (key, token, lease) => { if (key.includes('boom')) throw new Error('sync claim failure'); return memory.claim(key, token, lease) },
    complete: () => { throw new Error('sync complete failure') },
    release: (key) => { releases.push(key); throw new Error('sync release failure') }
  }
  const { app, logs } = await build({ idempotency: { store, key: (event) => (event.data as { conversation_id: string }).conversation_id } })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const refused = await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'boom' } }))
  t.equal(refused.statusCode, 503)
  t.notMatch(refused.body, 'sync claim failure')
  t.equal(runs, 0)
  const once = await app.inject(signed({ type: 'post_call_audio', data: { agent_id: 'a', conversation_id: 'boom2', full_audio: 'AAAA' } }))
  t.same([once.statusCode, once.json(), runs], [200, { success: true }, 1], 'not retried: ran anyway')
  t.same(releases, ['boom', 'boom2'])
  t.equal((await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'fine' } }))).statusCode, 200)
  t.ok(logs.some((l) => l.level === 50 && JSON.stringify(l).includes('sync complete failure') && String(l.msg).includes('Could not mark')))
})

t.test('a copy of a non-retried event that arrives while the first is running: 200, duplicate and pending, nothing run twice', async (t) => {
  const { app } = await build()
  let runs = 0
  const gate = deferred()
  const started = deferred()
  app.elevenlabs.on('post_call_audio', async () => { runs++; started.resolve(); await gate.promise })
  const event = { type: 'post_call_audio', data: { agent_id: 'a', conversation_id: `conv_${randomUUID()}`, full_audio: 'AAAA' } }
  const first = app.inject(resigned(event, 0))
  await started.promise
  const during = await app.inject(resigned(event, 1))
  t.same([during.statusCode, during.json()], [200, { success: true, duplicate: true, pending: true }])
  gate.resolve()
  t.same((await first).json(), { success: true })
  t.equal(runs, 1)
})

t.test('store failures after the handlers: success stays 200, failure stays 500, both logged', async (t) => {
  const completeFails = spyStore({ complete: 'fail' })
  const a = await build({ idempotency: { store: completeFails } })
  a.app.elevenlabs.onAny(() => {})
  t.equal((await a.app.inject(signed(transcription()))).statusCode, 200)
  t.ok(a.logs.some((l) => l.level === 50 && String(l.msg).includes('Could not mark')))

  const releaseFails = spyStore({ release: 'fail' })
  const b = await build({ idempotency: { store: releaseFails } })
  b.app.elevenlabs.onAny(() => { throw new Error('handler failed') })
  t.equal((await b.app.inject(signed(transcription()))).statusCode, 500)
  t.ok(b.logs.some((l) => l.level === 50 && String(l.msg).includes('Could not release')))
})

t.test('bad input never runs a handler and never reaches the store (verified but invalid: 200, refused before verification: 4xx)', async (t) => {
  const store = spyStore()
  const { app } = await build({ idempotency: { store }, bodyLimit: 2048 })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const valid = signed(transcription())
  const headers = valid.headers as Record<string, string>
  const cases = [
    { name: 'too large', req: signed({ type: 'voice.cloned', data: { voice_id: 'v', pad: 'x'.repeat(4096) } }), status: 413 },
    { name: 'no content type', req: { ...valid, headers: { 'elevenlabs-signature': headers['elevenlabs-signature'] as string } }, status: 415 },
    { name: 'text/plain', req: { ...valid, headers: { ...headers, 'content-type': 'text/plain' } }, status: 415 },
    { name: 'GET', req: { method: 'GET' as const, url: '/webhook' }, status: 404 },
    { name: 'PUT', req: { ...valid, method: 'PUT' as const }, status: 404 },
    { name: 'header twice', req: { ...valid, headers: { ...headers, 'elevenlabs-signature': `${headers['elevenlabs-signature']}, ${headers['elevenlabs-signature']}` } }, status: 400 },
    { name: 'data not an object', req: signed({ type: 'voice.cloned', data: ['v'] }), status: 200 },
    { name: 'data a string', req: signed({ type: 'post_call_audio', data: 'AAAA' }), status: 200 },
    { name: 'bad signature', req: signed(transcription(), { secret: 'wsec_wrong' }), status: 400 },
    { name: 'not JSON', req: signed('{"type": "voice.cloned", '), status: 200 }
  ]
  for (const { name, req, status } of cases) {
    t.equal((await app.inject(req)).statusCode, status, name)
  }
  t.equal(runs, 0)
  t.same(store.calls, [])
})

t.test('handlers run concurrently and all settle; failures are aggregated and reported to onError', async (t) => {
  const { app, logs } = await build()
  const started: string[] = []
  const bothStarted = deferred()
  const handler = (name: string) => async () => {
    started.push(name)
    if (started.length === 2) bothStarted.resolve()
    // Each waits for the other to have started: run one after the other, they would never finish.
    await Promise.race([bothStarted.promise, sleep(2000).then(() => { throw new Error(`${name} ran alone`) })])
    if (name !== 'ok') throw new Error(`${name} failed`)
  }
  app.elevenlabs.on('voice.cloned', handler('first'))
  app.elevenlabs.onAny(handler('ok'))
  const reported: WebhookHandlerError[] = []
  const removeHook = app.elevenlabs.onError((error, request) => {
    t.equal(typeof request.id, 'string')
    reported.push(error)
  })
  app.elevenlabs.onError(() => { throw new Error('the onError hook itself broke') })
  const res = await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v1' } }))
  t.same([res.statusCode, res.json()], [200, { success: false }])
  t.same(started.sort(), ['first', 'ok'])
  t.equal(reported.length, 1)
  const error = reported[0] as WebhookHandlerError
  t.type(error, AggregateError)
  t.type(error, WebhookHandlerError)
  t.equal(error.code, 'ELEVENLABS_HANDLER_FAILED')
  t.same(error.event, { type: 'voice.cloned', data: { voice_id: 'v1' } })
  t.same([error.eventType, error.eventId], ['voice.cloned', 'v1'])
  t.same(error.errors.map((e) => (e as Error).message), ['first failed'])
  t.ok(logs.some((l) => l.level === 50 && String(l.msg).includes('onError hook threw') && JSON.stringify(l).includes('itself broke')))
  removeHook()
  app.elevenlabs.offError(() => {})
  await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v2' } }))
  t.equal(reported.length, 1, 'the removed hook saw nothing more')
})

t.test('ackTimeout: slow handlers are acknowledged with 200 pending and finish in the background', async (t) => {
  const { app, logs } = await build({ ackTimeout: 20 })
  const gate = deferred()
  const finished = deferred()
  let runs = 0
  app.elevenlabs.on('post_call_transcription', async () => {
    runs++
    await gate.promise
    finished.resolve()
    if (runs === 1) throw new Error('failed late')
  })
  const lateErrors: WebhookHandlerError[] = []
  const reportedLate = deferred()
  app.elevenlabs.onError((error) => { lateErrors.push(error); reportedLate.resolve() })
  const event = transcription()
  const res = await app.inject(resigned(event, 0))
  t.equal(res.statusCode, 200, 'a 200: ElevenLabs counts any other answer as a failure')
  t.same(res.json(), { success: true, pending: true })
  t.equal(runs, 1, 'the handler is still running')
  gate.resolve()
  await reportedLate.promise
  t.equal(lateErrors.length, 1, 'the late failure reached onError')
  t.ok(logs.some((l) => l.level === 50 && String(l.msg).includes('after the delivery was acknowledged')))
  // The late failure released the claim: a redelivery runs again (and now succeeds).
  t.equal((await app.inject(resigned(event, 1))).statusCode, 200)
  t.equal(runs, 2)
  await finished.promise
})

/** A promise that settles as `work` does, and whether it has, for asserting that something is still waiting. */
function watch (work: Promise<unknown>): { settled: () => boolean, promise: Promise<unknown> } {
  let settled = false
  const promise = work.finally(() => { settled = true })
  return { settled: () => settled, promise }
}

t.test('app.close() waits for handlers still running, up to closeTimeout', async (t) => {
  const idle = await build()
  await idle.app.close()
  t.notOk(idle.logs.some((l) => l.level >= 50), 'nothing running: a plain close')

  const { app } = await build({ ackTimeout: 10 })
  const gate = deferred()
  let done = false
  app.elevenlabs.onAny(async () => { await gate.promise; done = true })
  t.same((await app.inject(signed(transcription()))).json(), { success: true, pending: true })
  const closing = watch(app.close())
  await sleep(20)
  t.equal(closing.settled(), false, 'close waits while the acknowledged handler runs')
  gate.resolve()
  await closing.promise
  t.equal(done, true, 'close resolved only after the acknowledged handler finished')

  const stuck = await build({ ackTimeout: 10, closeTimeout: 30 })
  const never = deferred()
  stuck.app.elevenlabs.onAny(() => never.promise)
  t.same((await stuck.app.inject(signed(transcription()))).json(), { success: true, pending: true })
  await stuck.app.close()
  t.ok(stuck.logs.some((l) => l.level === 50 && String(l.msg).includes('still running after closeTimeout')))
  never.resolve()
})

t.test('app.close() also waits for an onError report that starts while it waits', async (t) => {
  const { app } = await build({ ackTimeout: 10 })
  const fail = deferred()
  const report = deferred()
  let reported = false
  app.elevenlabs.onAny(async () => { await fail.promise; throw new Error('late failure') })
  app.elevenlabs.onError(async () => { await report.promise; reported = true })
  t.same((await app.inject(signed(transcription()))).json(), { success: true, pending: true })
  const closing = watch(app.close())
  await sleep(20) // close is waiting now
  fail.resolve() // the handler fails: its report starts after the wait began
  await sleep(20)
  t.equal(closing.settled(), false, 'close waits for the report')
  report.resolve()
  await closing.promise
  t.equal(reported, true)
})

t.test('app.close() waits for a delivery that had not reached its handlers when close began', async (t) => {
  const memory = new MemoryStore()
  const claimAsked = deferred()
  const answerClaim = deferred()
  const completed: string[] = []
  const store: IdempotencyStore = {
    claim: async (key, token, lease) => { claimAsked.resolve(); await answerClaim.promise; return memory.claim(key, token, lease) },
    complete: (key, token, ttl) => { completed.push(key); memory.complete(key, token, ttl) },
    release: (key, token) => memory.release(key, token)
  }
  const { app } = await build({ idempotency: { store }, ackTimeout: 10 })
  const gate = deferred()
  app.elevenlabs.onAny(async () => { await gate.promise })
  const delivery = app.inject(signed(transcription()))
  await claimAsked.promise
  const closing = watch(app.close())
  await sleep(20) // close is under way; the claim is still unanswered
  answerClaim.resolve()
  t.same((await delivery).json(), { success: true, pending: true }, 'acknowledged while close was under way')
  t.equal(closing.settled(), false)
  gate.resolve()
  await closing.promise
  t.equal(completed.length, 1, 'its event was marked done before close resolved (before any onClose hook of the app)')
})

t.test('while close waits, new connections are refused rather than answered 503', async (t) => {
  const { app } = await build({ ackTimeout: 10 })
  const gate = deferred()
  app.elevenlabs.onAny(async () => { await gate.promise })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const first = signed(transcription())
  const res = await fetch(`${address}/webhook`, { method: 'POST', headers: first.headers as Record<string, string>, body: first.payload as string })
  t.same(await res.json(), { success: true, pending: true })
  const closing = watch(app.close())
  await sleep(20)
  const second = signed(transcription())
  const refused = await fetch(`${address}/webhook`, { method: 'POST', headers: { ...second.headers as Record<string, string>, connection: 'close' }, body: second.payload as string })
    .then((r) => `answered ${r.status}`, (err: Error & { cause?: { code?: string } }) => err.cause?.code)
  t.equal(refused, 'ECONNREFUSED', 'a load balancer moves on; a 503 would count against the webhook')
  t.equal(closing.settled(), false)
  gate.resolve()
  await closing.promise
})

t.test('ackTimeout: false always waits for the handlers', async (t) => {
  const { app } = await build({ ackTimeout: false })
  app.elevenlabs.onAny(() => sleep(30))
  t.equal((await app.inject(signed(transcription()))).statusCode, 200)
})

t.test('reliability options are checked at boot', async (t) => {
  for (const options of [
    { ackTimeout: 0 },
    { closeTimeout: -1 },
    { idempotency: { ttl: 0 } },
    { idempotency: { lease: Number.NaN } },
    { idempotency: { storeTimeout: -5 } },
    { idempotency: { store: {} as IdempotencyStore } }
  ]) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, ...options }).ready() },
      { code: 'ELEVENLABS_CONFIG_INVALID' }, JSON.stringify(options))
  }
})

t.test('two instances of a service sharing Redis run each event once', async (t) => {
  const redis = await connectRedis(t)
  if (redis === undefined) return
  const prefix = `test:${randomUUID()}:`
  let runs = 0
  let claims = 0
  const allClaimed = deferred()
  const gate = deferred()
  const instances = await Promise.all([1, 2].map(async () => {
    const { app } = appWithLogs()
    const redisStore = new RedisStore(redis, { prefix })
    // The real RedisStore, with a count of its claims to hold the first handler until all copies asked.
    const store: IdempotencyStore = {
      claim: async (key, token, lease) => {
        const state = await redisStore.claim(key, token, lease)
        if (++claims === 10) allClaimed.resolve()
        return state
      },
      complete: (key, token, ttl) => redisStore.complete(key, token, ttl),
      release: (key, token) => redisStore.release(key, token)
    }
    await app.register(elevenlabsWebhooks, { secret, idempotency: { store } })
    app.elevenlabs.on('post_call_transcription', async () => { runs++; await gate.promise })
    return app
  }))
  const event = transcription()
  const pending = Array.from({ length: 10 }, (_, i) => (instances[i % 2]!).inject(resigned(event, i)))
  await allClaimed.promise
  gate.resolve()
  const responses = await Promise.all(pending)
  t.equal(runs, 1)
  t.equal(responses.filter((r) => r.statusCode === 200).length, 1)
  t.equal(responses.filter((r) => r.statusCode === 429).length, 9)
  t.same((await instances[1]!.inject(resigned(event, 20))).json(), { success: true, duplicate: true })
  const keys = await redis.keys(`${prefix}*`)
  t.equal(keys.length, 1)
  await redis.del(...keys)
})

t.test('a slow or hanging onError hook never holds the answer; close() still waits for it, bounded', async (t) => {
  const { app, logs } = await build({ ackTimeout: 100, closeTimeout: 50 })
  const hookStarted = deferred()
  const never = deferred()
  app.elevenlabs.onAny(async () => { throw new Error('handler failed') })
  app.elevenlabs.onError(async () => { hookStarted.resolve(); await never.promise })
  const res = await app.inject(signed(transcription()))
  t.equal(res.statusCode, 500, 'a 500, not a pending 200: ElevenLabs must retry')
  await hookStarted.promise
  await app.close()
  t.ok(logs.some((l) => l.level === 50 && String(l.msg).includes('still running after closeTimeout')))
  never.resolve()
})

t.test('an unexpected error (a throwing idempotency.key) is a coded 500 that leaks nothing where ElevenLabs retries; elsewhere the handlers run', async (t) => {
  const { app, logs } = await build({ idempotency: { key: () => { throw new Error('secret internals: db at 10.1.2.3') } } })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const res = await app.inject(signed(transcription()))
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'ELEVENLABS_INTERNAL_ERROR')
  t.notMatch(res.body, '10.1.2.3')
  t.ok(logs.some((l) => l.level === 50 && JSON.stringify(l).includes('10.1.2.3')))
  t.equal(runs, 0)
  const once = await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v_key' } }))
  t.same([once.statusCode, once.json(), runs], [200, { success: true }, 1])
  t.ok(logs.some((l) => l.level === 50 && l.eventId === 'v_key' && String(l.msg).includes('could not be computed')))
})

t.test('a claim that answers after storeTimeout is released, so retries are not held for a lease', async (t) => {
  const memory = new MemoryStore()
  const answered = deferred()
  let slow = true
  const store: IdempotencyStore = {
    claim: async (key, token, lease) => {
      if (!slow) return memory.claim(key, token, lease)
      slow = false
      await sleep(80)
      const state = memory.claim(key, token, lease)
      setImmediate(answered.resolve)
      return state
    },
    complete: (key, token, ttl) => memory.complete(key, token, ttl),
    release: (key, token) => memory.release(key, token)
  }
  const { app } = await build({ idempotency: { store, storeTimeout: 20 } })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const event = transcription()
  t.equal((await app.inject(resigned(event, 0))).statusCode, 503)
  await answered.promise
  t.equal((await app.inject(resigned(event, 1))).statusCode, 200, 'the late claim was released: the retry runs now, not after the lease')
  t.equal(runs, 1)
})

t.test('a full MemoryStore refuses new claims rather than drop one in progress: 503 for a retried type, run anyway for others', async (t) => {
  const store = new MemoryStore({ maxEntries: 2 })
  const { app } = await build({ idempotency: { store } })
  const gate = deferred()
  const started = deferred()
  let running = 0
  app.elevenlabs.onAny(async () => { if (++running === 2) started.resolve(); await gate.promise })
  const a = app.inject(signed(transcription()))
  const b = app.inject(signed(transcription()))
  await started.promise
  const c = await app.inject(signed(transcription()))
  t.equal(c.statusCode, 503)
  t.equal(c.headers['retry-after'], '5')
  app.elevenlabs.on('voice.cloned', () => {})
  const d = app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v_full' } }))
  gate.resolve()
  t.same((await d).json(), { success: true }, 'not retried: handled without a duplicate check')
  t.same([(await a).statusCode, (await b).statusCode], [200, 200])
  t.equal((await app.inject(signed(transcription()))).statusCode, 200, 'finished entries make room again')
})
