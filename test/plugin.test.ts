import t from 'tap'
import Fastify, { type InjectOptions } from 'fastify'
import fastifyRawBody from 'fastify-raw-body'
import { Type } from '@sinclair/typebox'
import elevenlabsWebhooks, { generateSignatureHeader, WebhookConfigError } from '../src/index.js'
import { appWithLogs, build, secret, signed } from './helpers.js'

const voiceCloned = { type: 'voice.cloned', event_timestamp: 1_700_000_000, data: { voice_id: 'voice_123', name: 'Ada' } }

t.test('a verified event reaches its typed handler with validated data, and is answered 200', async (t) => {
  const { app } = await build()
  const seen: unknown[] = []
  app.elevenlabs.on('voice.cloned', async (event, request) => {
    seen.push({ type: event.type, voiceId: event.data.voice_id, body: request.body })
  })
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true })
  t.same(seen, [{ type: 'voice.cloned', voiceId: 'voice_123', body: voiceCloned }])
})

t.test('verification failures answer 400 with the SDK message and run no handler', async (t) => {
  const { app } = await build()
  let ran = 0
  app.elevenlabs.on('voice.cloned', () => { ran++ })
  app.elevenlabs.onAny(() => { ran++ })
  const payload = JSON.stringify(voiceCloned)
  const valid = signed(payload)
  const cases: Array<[string, Record<string, string | undefined>, string | undefined, string, string]> = [
    ['no header', { 'elevenlabs-signature': undefined }, undefined, 'ELEVENLABS_SIGNATURE_MISSING', 'Missing signature header'],
    ['no v0', { 'elevenlabs-signature': 't=1700000000' }, undefined, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0'],
    ['t=abc', { 'elevenlabs-signature': 't=abc,v0=' + 'a'.repeat(64) }, undefined, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0'],
    ['too old', { 'elevenlabs-signature': generateSignatureHeader({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }) }, undefined, 'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone'],
    ['wrong secret', { 'elevenlabs-signature': generateSignatureHeader({ payload, secret: 'whsec_other' }) }, undefined, 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload'],
    ['tampered body', {}, payload.replace('voice_123', 'voice_666'), 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload'],
    ['tampered non-JSON body', {}, 'not json', 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload']
  ]
  for (const [name, headers, body, code, message] of cases) {
    const merged: Record<string, string | undefined> = { ...valid.headers as Record<string, string>, ...headers }
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k]
    const res = await app.inject({ ...valid, headers: merged, payload: body ?? payload })
    t.equal(res.statusCode, 400, name)
    t.match(res.json(), { statusCode: 400, code, message }, name)
  }
  t.equal(ran, 0)
})

t.test('a missing secret refuses to boot; the environment variable is the fallback', async (t) => {
  const saved = process.env.ELEVENLABS_WEBHOOK_SECRET
  t.teardown(() => {
    if (saved === undefined) delete process.env.ELEVENLABS_WEBHOOK_SECRET
    else process.env.ELEVENLABS_WEBHOOK_SECRET = saved
  })
  delete process.env.ELEVENLABS_WEBHOOK_SECRET
  for (const options of [{}, { secret: '' }, { secret: [] }]) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(elevenlabsWebhooks, options).ready() },
      { name: 'WebhookConfigError', code: 'ELEVENLABS_CONFIG_INVALID', message: /ELEVENLABS_WEBHOOK_SECRET/ })
  }
  const app = Fastify()
  await t.rejects(async () => { await app.register(elevenlabsWebhooks, { secret: ['whsec_a', ''] }).ready() }, WebhookConfigError)

  process.env.ELEVENLABS_WEBHOOK_SECRET = 'whsec_from_env'
  const fromEnv = Fastify()
  await fromEnv.register(elevenlabsWebhooks)
  t.equal((await fromEnv.inject(signed(voiceCloned, { secret: 'whsec_from_env' }))).statusCode, 200)
  t.equal((await fromEnv.inject(signed(voiceCloned))).statusCode, 400)
})

t.test('other options are checked at boot', async (t) => {
  for (const [options, message] of [
    [{ path: 'webhook' }, /path/],
    [{ bodyLimit: 0 }, /bodyLimit/],
    [{ bodyLimit: 1.5 }, /bodyLimit/],
    [{ tolerance: -5 }, /tolerance/],
    [{ events: { 'voice.cloned': Type.Object({}) } }, /already defined/],
    [{ events: { '': Type.Object({}) } }, /non-empty string/]
  ] as const) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, ...options }).ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message }, JSON.stringify(options))
  }
  const twice = Fastify()
  twice.register(elevenlabsWebhooks, { secret })
  twice.register(elevenlabsWebhooks, { secret, path: '/other' })
  await t.rejects(async () => { await twice.ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message: /encapsulated context/ })
})

t.test('secret rotation through the plugin', async (t) => {
  const { app } = await build({ secret: ['whsec_old', 'whsec_new'] })
  t.equal((await app.inject(signed(voiceCloned, { secret: 'whsec_old' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { secret: 'whsec_new' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { secret: 'whsec_retired' }))).statusCode, 400)
})

t.test('tolerance boundaries through the plugin, past and future', async (t) => {
  const realNow = Date.now
  const frozen = 1_800_000_000_000
  Date.now = () => frozen
  t.teardown(() => { Date.now = realNow })
  const { app } = await build({ tolerance: 300 })
  const at = (offset: number): Promise<number> =>
    app.inject(signed(voiceCloned, { timestamp: frozen / 1000 + offset })).then((res) => res.statusCode)
  t.equal(await at(-300), 200)
  t.equal(await at(-301), 400)
  t.equal(await at(300), 200)
  t.equal(await at(301), 400)
  t.equal(await at(frozen), 400) // milliseconds where seconds belong
})

t.test('bodies are verified byte-exact: unicode, CRLF, bytes that are not UTF-8', async (t) => {
  const { app } = await build()
  const names: unknown[] = []
  app.elevenlabs.on('voice.cloned', (event) => { names.push((event.data as Record<string, unknown>).name) })
  const pretty = '{\r\n  "type": "voice.cloned",\r\n  "data": {"voice_id": "v\\u00e9", "name": "Zoë 🎙️ naïve"}\r\n}\r\n'
  t.equal((await app.inject(signed(pretty))).statusCode, 200)
  const latin1 = Buffer.concat([Buffer.from('{"type":"voice.cloned","data":{"voice_id":"v","name":"'), Buffer.from([0xe9, 0xff]), Buffer.from('"}}')])
  t.equal((await app.inject(signed(latin1))).statusCode, 200)
  t.same(names, ['Zoë 🎙️ naïve', '\ufffd\ufffd'])
})

t.test('sibling routes keep Fastify\'s own JSON parsing and get no raw body', async (t) => {
  const { app } = await build()
  app.post('/orders', async (request) => ({ body: request.body, raw: request.rawBody ?? null }))
  app.post('/text', async (request) => ({ body: request.body }))
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
  const orders = await app.inject({ method: 'POST', url: '/orders', payload: { id: 7 } })
  t.equal(orders.statusCode, 200)
  t.same(orders.json(), { body: { id: 7 }, raw: null })
  const bad = await app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/json' }, payload: '{oops' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'FST_ERR_CTP_INVALID_JSON_BODY') // Fastify's, not ours
  const text = await app.inject({ method: 'POST', url: '/text', headers: { 'content-type': 'text/plain' }, payload: 'hi' })
  t.same(text.json(), { body: 'hi' })
  // ...while the webhook route, in its own context, still refuses text.
  const webhookText = await app.inject({ ...signed('hi'), headers: { ...signed('hi').headers, 'content-type': 'text/plain' } })
  t.equal(webhookText.statusCode, 415)
})

t.test('invalid data for a known type: 400 naming the failing path, no handler', async (t) => {
  const { app } = await build()
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const cases: Array<[unknown, string]> = [
    [{ type: 'voice.cloned', data: { voice_id: 42 } }, '/data/voice_id'],
    [{ type: 'voice.cloned', data: {} }, '/data/voice_id'],
    [{ type: 'voice.cloned', data: 'v1' }, '/data'],
    [{ type: 'voice.cloned' }, '/data'],
    [{ type: 'usage.threshold', data: { threshold: '80%' } }, '/data/threshold'],
    [{ type: 'voice.cloned', event_timestamp: 'now', data: { voice_id: 'v' } }, '/event_timestamp'],
    [{ data: {} }, '/type']
  ]
  for (const [body, path] of cases) {
    const res = await app.inject(signed(body))
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.match(res.json().message, path, JSON.stringify(body))
  }
  const notJson = await app.inject(signed('{"type":'))
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().code, 'ELEVENLABS_PAYLOAD_INVALID_JSON')
  t.equal(ran, 0)
  // Extra fields are fine: ElevenLabs adds them over time.
  t.equal((await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v', brand_new: { x: 1 } }, extra: true }))).statusCode, 200)
})

t.test('an unknown type is acknowledged with 200, logged as a warning, and seen by onAny', async (t) => {
  const { app, logs } = await build()
  const seen: string[] = []
  app.elevenlabs.onAny((event) => { seen.push(event.type) })
  const res = await app.inject(signed('{"type":"test","data":{}}'))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true })
  t.same(seen, ['test'])
  t.ok(logs.some((line) => line.level === 40 && line.eventType === 'test'))
})

t.test('a handler that throws: 500 without internal detail; the error is logged', async (t) => {
  const { app, logs } = await build()
  let other = 0
  app.elevenlabs.on('voice.cloned', async () => { throw new Error('database password is hunter2') })
  app.elevenlabs.on('voice.cloned', () => { other++ })
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'ELEVENLABS_HANDLER_FAILED')
  t.notMatch(res.body, 'hunter2')
  t.equal(other, 1, 'the other handler still ran')
  t.ok(logs.some((line) => line.level === 50 && JSON.stringify(line).includes('hunter2')), 'the real error is in the log')
})

t.test('several failing handlers are aggregated', async (t) => {
  const { app, logs } = await build()
  app.elevenlabs.on('voice.cloned', () => { throw new Error('first failure') })
  app.elevenlabs.onAny(() => Promise.reject(new Error('second failure')))
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 500)
  const logged = JSON.stringify(logs.filter((line) => line.level === 50))
  t.match(logged, 'first failure')
  t.match(logged, 'second failure')
})

t.test('acknowledgeHandlerErrors answers 200 {success:false} and still logs', async (t) => {
  const { app, logs } = await build({ acknowledgeHandlerErrors: true })
  app.elevenlabs.on('voice.cloned', () => { throw new Error('boom') })
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: false })
  t.ok(logs.some((line) => line.level === 50 && JSON.stringify(line).includes('boom')))
  // Verification errors are still 400: the option is about handlers only.
  t.equal((await app.inject(signed(voiceCloned, { secret: 'whsec_other' }))).statusCode, 400)
})

t.test('on(list), off, the returned remover, onAny/offAny', async (t) => {
  const { app } = await build()
  const seen: string[] = []
  const both = (event: { type: string }): void => { seen.push(`both:${event.type}`) }
  app.elevenlabs.on(['voice.cloned', 'usage.threshold'], both)
  const remove = app.elevenlabs.on('voice.cloned', () => { seen.push('single') })
  const any = (): void => { seen.push('any') }
  app.elevenlabs.onAny(any)
  await app.inject(signed(voiceCloned))
  await app.inject(signed({ type: 'usage.threshold', data: { threshold: 80 } }))
  t.same(seen.sort(), ['any', 'any', 'both:usage.threshold', 'both:voice.cloned', 'single'])
  seen.length = 0
  remove()
  app.elevenlabs.off('usage.threshold', both)
  app.elevenlabs.offAny(any)
  await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'voice_456' } }))
  await app.inject(signed({ type: 'usage.threshold', data: { threshold: 90 } }))
  t.same(seen, ['both:voice.cloned'])
  t.throws(() => app.elevenlabs.on('voice.clone' as 'voice.cloned', () => {}), { code: 'ELEVENLABS_CONFIG_INVALID', message: /Unknown ElevenLabs webhook event type "voice.clone"/ })
  t.throws(() => app.elevenlabs.on('voice.cloned', 'nope' as unknown as () => void), { code: 'ELEVENLABS_CONFIG_INVALID' })
  t.throws(() => app.elevenlabs.onAny(undefined as unknown as () => void), { code: 'ELEVENLABS_CONFIG_INVALID' })
  t.ok(app.elevenlabs.eventTypes.includes('post_call_audio'))
})

t.test('custom events: the events option and define() validate like the built-ins', async (t) => {
  const Refund = Type.Object({ refund_id: Type.String(), amount: Type.Number() })
  const { app } = await build({ events: { 'billing.refund': Refund } })
  const hooks = app.elevenlabs.define('crm.lead', Type.Object({ lead_id: Type.String() }))
  const seen: unknown[] = []
  hooks.on('crm.lead', (event) => { seen.push(event.data.lead_id) })
  t.equal((await app.inject(signed({ type: 'crm.lead', data: { lead_id: 'L1' } }))).statusCode, 200)
  t.equal((await app.inject(signed({ type: 'crm.lead', data: { lead_id: 1 } }))).statusCode, 400)
  t.equal((await app.inject(signed({ type: 'billing.refund', data: { refund_id: 'r', amount: 'ten' } }))).statusCode, 400)
  t.equal((await app.inject(signed({ type: 'billing.refund', data: { refund_id: 'r', amount: 10 } }))).statusCode, 200)
  t.same(seen, ['L1'])
  t.throws(() => hooks.define('crm.lead' as string, Type.Object({})), { message: /already defined/ })
})

t.test('two webhooks in one service: two encapsulated registrations, own path, secret and handlers', async (t) => {
  const { app } = appWithLogs()
  const seen: string[] = []
  await app.register(async (agents) => {
    await agents.register(elevenlabsWebhooks, { path: '/webhooks/agents', secret: 'whsec_agents' })
    agents.elevenlabs.on('voice.cloned', () => { seen.push('agents') })
  })
  await app.register(async (stt) => {
    await stt.register(elevenlabsWebhooks, { path: '/webhooks/stt', secret: 'whsec_stt' })
    stt.elevenlabs.on('voice.cloned', () => { seen.push('stt') })
  })
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/agents', secret: 'whsec_agents' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/stt', secret: 'whsec_stt' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/stt', secret: 'whsec_agents' }))).statusCode, 400)
  t.same(seen, ['agents', 'stt'])
  t.notOk(app.hasDecorator('elevenlabs'), 'the root has no decorator: each one is scoped')
})

t.test('an app that already registered fastify-raw-body (UTF-8 strings, global) still verifies byte-exact', async (t) => {
  const { app } = appWithLogs()
  await app.register(fastifyRawBody, { global: true })
  app.post('/stripe', async (request) => ({ raw: request.rawBody }))
  await app.register(elevenlabsWebhooks, { secret })
  const latin1 = Buffer.concat([Buffer.from('{"type":"voice.cloned","data":{"voice_id":"'), Buffer.from([0xff]), Buffer.from('"}}')])
  t.equal((await app.inject(signed(latin1))).statusCode, 200)
  t.same((await app.inject({ method: 'POST', url: '/stripe', payload: { a: 1 } })).json(), { raw: '{"a":1}' })
})

t.test('transport errors: content type, size, method', async (t) => {
  const { app } = await build({ bodyLimit: 1024 })
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  const big = { type: 'voice.cloned', data: { voice_id: 'v', pad: 'x'.repeat(2000) } }
  const tooLarge = await app.inject(signed(big))
  t.equal(tooLarge.statusCode, 413)
  const noType = signed(voiceCloned)
  delete (noType.headers as Record<string, string>)['content-type']
  t.equal((await app.inject(noType)).statusCode, 415)
  const form = signed('a=b', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal((await app.inject(form)).statusCode, 415)
  const empty = await app.inject({ method: 'POST', url: '/webhook', headers: { 'elevenlabs-signature': 't=1,v0=a' } })
  t.equal(empty.statusCode, 415)
  t.equal(empty.json().code, 'ELEVENLABS_UNSUPPORTED_MEDIA_TYPE')
  t.equal((await app.inject({ method: 'GET', url: '/webhook' })).statusCode, 404)
  // The header sent twice: one valid signature must not smuggle in a second timestamp.
  const valid = signed(voiceCloned)
  const header = (valid.headers as Record<string, string>)['elevenlabs-signature'] as string
  const twice = await app.inject({ ...valid, headers: { ...valid.headers as Record<string, string>, 'elevenlabs-signature': [header, header] } } as InjectOptions)
  t.equal(twice.statusCode, 400)
  t.equal(twice.json().code, 'ELEVENLABS_SIGNATURE_MALFORMED')
  const charset = signed(voiceCloned, { headers: { 'content-type': 'application/json; charset=utf-8' } })
  t.equal((await app.inject(charset)).statusCode, 200)
  t.equal(ran, 1)
})
