import t from 'tap'
import Fastify, { type InjectOptions } from 'fastify'
import fastifyRawBody from 'fastify-raw-body'
import { Type } from '@sinclair/typebox'
import elevenlabsWebhooks, { DEFAULT_RETRIED_TYPES, eventTime, generateSignatureHeader, WebhookConfigError } from '../src/index.js'
import { appWithLogs, build, secret, signed } from './helpers.js'

const voiceCloned = { type: 'voice.cloned', event_timestamp: 1_700_000_000, data: { voice_id: 'voice_123', name: 'Ada' } }

t.test('a verified event reaches its typed handler with validated data, and is answered 200', async (t) => {
  const { app } = await build()
  const seen: unknown[] = []
  app.elevenlabs.on('voice.cloned', async (event, request) => {
    seen.push({ type: event.type, voiceId: event.data.voice_id, body: request.body, raw: request.rawBody })
  })
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: true })
  // request.body and request.rawBody are the bytes verified; the event is the handler's first argument.
  const bytes = Buffer.from(JSON.stringify(voiceCloned))
  t.same(seen, [{ type: 'voice.cloned', voiceId: 'voice_123', body: bytes, raw: bytes }])
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
    ['wrong secret', { 'elevenlabs-signature': generateSignatureHeader({ payload, secret: 'wsec_other' }) }, undefined, 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload'],
    ['tampered body', {}, payload.replace('voice_123', 'voice_666'), 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload'],
    ['tampered non-JSON body', {}, 'not json', 'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload'],
    ['16 000 commas', { 'elevenlabs-signature': ','.repeat(16_000) }, undefined, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0'],
    ['17 parts', { 'elevenlabs-signature': `t=${Math.floor(Date.now() / 1000)},` + 'x=1,'.repeat(15) + 'v0=' + 'a'.repeat(64) }, undefined, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0']
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
  await t.rejects(async () => { await app.register(elevenlabsWebhooks, { secret: ['wsec_a', ''] }).ready() }, WebhookConfigError)

  process.env.ELEVENLABS_WEBHOOK_SECRET = 'wsec_from_env'
  const fromEnv = Fastify()
  await fromEnv.register(elevenlabsWebhooks)
  t.equal((await fromEnv.inject(signed(voiceCloned, { secret: 'wsec_from_env' }))).statusCode, 200)
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
  await t.rejects(async () => { await twice.ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message: /registered twice in the same context/ })
})

t.test('secret rotation through the plugin', async (t) => {
  const { app } = await build({ secret: ['wsec_old', 'wsec_new'] })
  t.equal((await app.inject(signed(voiceCloned, { secret: 'wsec_old' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { secret: 'wsec_new' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { secret: 'wsec_retired' }))).statusCode, 400)
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

t.test('a verified body that is not a valid event: 200 {"success":false}, onInvalid keeps its raw bytes and path, no handler, nothing of data logged', async (t) => {
  const { app, logs } = await build()
  let ran = 0
  app.elevenlabs.onAny(() => { ran++ })
  app.elevenlabs.on('voice.cloned', () => { ran++ })
  const kept: Array<{ code: string, path: string, message: string, type: string | undefined, eventId: string | undefined, rawBody: Buffer, url: string }> = []
  app.elevenlabs.onInvalid(async (invalid, request) => {
    kept.push({ code: invalid.error.code, path: invalid.error.path, message: invalid.error.message, type: invalid.type, eventId: invalid.eventId, rawBody: invalid.rawBody, url: request.url })
  })
  const secretValue = 'PERSONAL-DATA-7f3a'
  const cases: Array<[unknown, string, string, string | undefined]> = [
    [{ type: 'voice.cloned', data: { voice_id: 42, note: secretValue } }, 'ELEVENLABS_PAYLOAD_INVALID_DATA', '/data/voice_id', 'voice.cloned'],
    [{ type: 'voice.cloned', data: { note: secretValue } }, 'ELEVENLABS_PAYLOAD_INVALID_DATA', '/data/voice_id', 'voice.cloned'],
    [{ type: 'voice.cloned', data: secretValue }, 'ELEVENLABS_PAYLOAD_INVALID_DATA', '/data', 'voice.cloned'],
    [{ type: 'voice.cloned' }, 'ELEVENLABS_PAYLOAD_INVALID_DATA', '/data', 'voice.cloned'],
    [{ type: 'usage.threshold', data: { threshold: '80%' } }, 'ELEVENLABS_PAYLOAD_INVALID_DATA', '/data/threshold', 'usage.threshold'],
    [{ type: 'voice.cloned', event_timestamp: 'now', data: { voice_id: 'v' } }, 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/event_timestamp', 'voice.cloned'],
    [{ data: { note: secretValue } }, 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/type', undefined],
    [{ type: '', data: {} }, 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/type', undefined],
    [[secretValue], 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/', undefined],
    [`{"type":"voice.cloned","data":{"note":"${secretValue}"`, 'ELEVENLABS_PAYLOAD_INVALID_JSON', '', undefined]
  ]
  for (const [body, code, path, type] of cases) {
    const request = signed(body)
    const res = await app.inject(request)
    const name = JSON.stringify(body)
    t.equal(res.statusCode, 200, name)
    t.same(res.json(), { success: false }, name)
    const last = kept.at(-1)!
    t.equal(last.code, code, name)
    t.equal(last.path, path, name)
    t.ok(last.message.includes(path), name)
    t.equal(last.type, type, name)
    t.equal(last.url, '/webhook')
    t.ok(last.rawBody.equals(Buffer.from(request.payload as string)), `${name}: the exact bytes received`)
  }
  t.equal(kept.length, cases.length)
  t.equal(ran, 0, 'no handler ran')
  const logged = logs.filter((line) => line.level === 50)
  t.equal(logged.length, cases.length, 'each logged as an error')
  t.match(logged[0], { eventType: 'voice.cloned', code: 'ELEVENLABS_PAYLOAD_INVALID_DATA', path: '/data/voice_id' })
  t.notMatch(JSON.stringify(logs), secretValue, 'nothing of the body is in the log')
  // The identifying id is given when the body has it, and logged.
  await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'conv_9', status: 7 } }))
  t.match(kept.at(-1), { type: 'post_call_transcription', eventId: 'conv_9', path: '/data/status' })
  t.ok(logs.some((line) => line.level === 50 && line.eventType === 'post_call_transcription' && line.eventId === 'conv_9'))
  // Extra fields are fine: ElevenLabs adds them over time.
  t.same((await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v', brand_new: { x: 1 } }, extra: true }))).json(), { success: true })
})

t.test('an invalid event with no onInvalid hook is still answered 200 and logged as not kept', async (t) => {
  const { app, logs } = await build()
  const res = await app.inject(signed({ type: 'voice.cloned', data: {} }))
  t.same([res.statusCode, res.json()], [200, { success: false }])
  t.ok(logs.some((line) => line.level === 50 && String(line.msg).includes('no onInvalid hook keeps it')))
})

t.test('rejectInvalid: true answers a verified invalid event 400 with its code and path; onInvalid still runs', async (t) => {
  const { app } = await build({ rejectInvalid: true })
  const kept: string[] = []
  app.elevenlabs.onInvalid((invalid) => { kept.push(invalid.error.path) })
  const res = await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 42 } }))
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'ELEVENLABS_PAYLOAD_INVALID_DATA', message: 'The "voice.cloned" event is invalid: /data/voice_id Expected string' })
  const notJson = await app.inject(signed('{"type":'))
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().code, 'ELEVENLABS_PAYLOAD_INVALID_JSON')
  t.same(kept, ['/data/voice_id', ''])
})

t.test('an onInvalid hook that fails: 500 on a retried type (a retry can keep it), 200 elsewhere; logged', async (t) => {
  const { app, logs } = await build()
  let calls = 0
  const remove = app.elevenlabs.onInvalid(async () => { calls++; throw new Error('bucket unreachable') })
  const retried = await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a' } }))
  t.equal(retried.statusCode, 500)
  t.equal(retried.json().code, 'ELEVENLABS_INVALID_EVENT_NOT_KEPT')
  t.notMatch(retried.body, 'bucket')
  const once = await app.inject(signed({ type: 'voice.cloned', data: {} }))
  t.same([once.statusCode, once.json()], [200, { success: false }])
  const untyped = await app.inject(signed('not json'))
  t.same([untyped.statusCode, untyped.json()], [200, { success: false }])
  t.equal(calls, 3)
  t.equal(logs.filter((line) => line.level === 50 && String(line.msg).includes('onInvalid hook threw') && JSON.stringify(line).includes('bucket unreachable')).length, 3)
  remove()
  app.elevenlabs.offInvalid(() => {})
  app.elevenlabs.onInvalid(() => { throw new Error('sync failure') })
  t.equal((await app.inject(signed({ type: 'post_call_transcription', data: {} }))).statusCode, 500, 'a hook that throws synchronously counts the same')
  t.equal(calls, 3, 'the removed hook saw nothing more')
  t.throws(() => app.elevenlabs.onInvalid(42 as unknown as () => void), { code: 'ELEVENLABS_CONFIG_INVALID' })
})

t.test('the envelope: event_timestamp as a number, a numeric string or an ISO date; eventTime() reads each', async (t) => {
  const { app } = await build()
  const times: Array<number | undefined> = []
  app.elevenlabs.on('voice.cloned', (event) => { times.push(eventTime(event)?.getTime()) })
  for (const [i, timestamp] of [1_700_000_000, '1700000000', '2023-11-14T22:13:20Z', '2023-11-14T22:13:20.000+00:00', undefined].entries()) {
    const res = await app.inject(signed({ type: 'voice.cloned', event_timestamp: timestamp, data: { voice_id: `v${i}` } }))
    t.same(res.json(), { success: true }, String(timestamp))
  }
  t.same(times, [1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000, undefined])
  for (const timestamp of ['yesterday', true, null]) {
    t.same((await app.inject(signed({ type: 'voice.cloned', event_timestamp: timestamp, data: { voice_id: 'v' } }))).json(), { success: false }, String(timestamp))
  }
})

t.test('validation errors name the innermost failing field, not the enclosing union', async (t) => {
  const { app } = await build({ rejectInvalid: true })
  const message = async (data: unknown): Promise<string> => (await app.inject(signed({ type: 'post_call_transcription', data }))).json().message
  const ids = { agent_id: 'a', conversation_id: 'c' }
  // transcript is Nullable(Array(TranscriptTurn)); analysis is Nullable(Object).
  t.equal(await message({ ...ids, transcript: [{ role: 'agent', message: 5 }] }), 'The "post_call_transcription" event is invalid: /data/transcript/0/message Expected string or null')
  t.equal(await message({ ...ids, analysis: { transcript_summary: 3 } }), 'The "post_call_transcription" event is invalid: /data/analysis/transcript_summary Expected string')
  t.equal(await message({ ...ids, transcript: 'all of it' }), 'The "post_call_transcription" event is invalid: /data/transcript Expected array or null')
})

t.test('__proto__ and constructor.prototype keys follow the app\'s onProtoPoisoning / onConstructorPoisoning, as Fastify\'s own parser does', async (t) => {
  const poisoned = '{"type":"voice.cloned","data":{"voice_id":"v","__proto__":{"isAdmin":true}}}'
  const constructed = '{"type":"voice.cloned","data":{"voice_id":"v","constructor":{"prototype":{"isAdmin":true}}}}'
  const run = async (config: { onProtoPoisoning?: 'error' | 'remove' | 'ignore', onConstructorPoisoning?: 'error' | 'remove' | 'ignore' }, body: string) => {
    const app = Fastify(config)
    await app.register(elevenlabsWebhooks, { secret })
    const seen: Array<Record<string, unknown>> = []
    const invalid: string[] = []
    app.elevenlabs.on('voice.cloned', (event) => { seen.push(event.data as Record<string, unknown>) })
    app.elevenlabs.onInvalid((event) => { invalid.push(event.error.code) })
    const res = await app.inject(signed(body))
    return { answer: res.json(), seen, invalid }
  }
  const refused = await run({}, poisoned)
  t.same(refused.answer, { success: false }, 'the default, error: kept as invalid, like Fastify\'s 400')
  t.same(refused.invalid, ['ELEVENLABS_PAYLOAD_INVALID_JSON'])
  const removed = await run({ onProtoPoisoning: 'remove' }, poisoned)
  t.same(removed.answer, { success: true })
  t.notOk(Object.hasOwn(removed.seen[0]!, '__proto__'), 'remove: the key is gone')
  const ignored = await run({ onProtoPoisoning: 'ignore' }, poisoned)
  t.ok(Object.hasOwn(ignored.seen[0]!, '__proto__'), 'ignore: kept as an own property, as JSON.parse does')
  t.equal(({} as Record<string, unknown>).isAdmin, undefined, 'no prototype was touched')
  t.same((await run({}, constructed)).invalid, ['ELEVENLABS_PAYLOAD_INVALID_JSON'])
  // Bodies over 1 MiB (audio) are checked by walking the parsed value: the same outcomes.
  const audio = 'QUJD'.repeat(300_000)
  const bigPoisoned = `{"type":"post_call_audio","data":{"agent_id":"a","conversation_id":"c","full_audio":"${audio}","__proto__":{"isAdmin":true}}}`
  t.same((await run({}, bigPoisoned)).invalid, ['ELEVENLABS_PAYLOAD_INVALID_JSON'], 'large: refused')
  t.same((await run({ onProtoPoisoning: 'remove' }, bigPoisoned)).answer, { success: true }, 'large: removed')
  t.same((await run({ onProtoPoisoning: 'ignore', onConstructorPoisoning: 'ignore' }, bigPoisoned)).answer, { success: true }, 'large: both ignored, as JSON.parse')
  t.same((await run({}, `{"type":"post_call_audio","data":{"agent_id":"a","conversation_id":"c","full_audio":"${audio}"}}`)).answer, { success: true }, 'large: clean')
  t.same((await run({}, `"${audio}"`)).invalid, ['ELEVENLABS_PAYLOAD_INVALID_ENVELOPE'], 'large: not an object')
  t.same((await run({ onConstructorPoisoning: 'remove' }, constructed)).seen.map((data) => Object.hasOwn(data, 'constructor')), [false])
  t.same((await run({ onConstructorPoisoning: 'ignore' }, constructed)).answer, { success: true })
  // The keys spelt with \u escapes are the same keys to JSON.parse, and refused the same way.
  t.same((await run({}, String.raw`{"type":"voice.cloned","data":{"voice_id":"v","\u005f_proto__":{"isAdmin":true}}}`)).invalid, ['ELEVENLABS_PAYLOAD_INVALID_JSON'], 'an escaped __proto__')
  t.same((await run({}, String.raw`{"type":"voice.cloned","data":{"voice_id":"v","c\u006fnstructor":{"prototype":{"isAdmin":true}}}}`)).invalid, ['ELEVENLABS_PAYLOAD_INVALID_JSON'], 'an escaped constructor')
  // Neither word as a key: nothing to refuse, escapes or not.
  const escaped = await run({}, String.raw`{"type":"voice.cloned","data":{"voice_id":"caf\u00e9","name":"constructor","labels":["__proto__"]}}`)
  t.same(escaped.answer, { success: true }, 'the words as values, an escape elsewhere')
  t.same(escaped.seen, [{ voice_id: 'café', name: 'constructor', labels: ['__proto__'] }])
  const words = await run({}, '{"type":"voice.cloned","data":{"voice_id":"v","name":"prototype","constructor":"a prototype","labels":["__proto__"]}}')
  t.same(words.answer, { success: true }, 'the words as values, no escape')
  t.same(words.seen, [{ voice_id: 'v', name: 'prototype', constructor: 'a prototype', labels: ['__proto__'] }])
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

t.test('a failing handler on a type ElevenLabs does not retry: 200 {"success":false}, logged, onError; the others still ran', async (t) => {
  const { app, logs } = await build()
  let other = 0
  const reported: string[] = []
  app.elevenlabs.on('voice.cloned', async () => { throw new Error('database password is hunter2') })
  app.elevenlabs.on('voice.cloned', () => { other++ })
  app.elevenlabs.onError((error) => { reported.push(`${error.eventType}:${error.eventId}`) })
  const res = await app.inject(signed(voiceCloned))
  t.equal(res.statusCode, 200)
  t.same(res.json(), { success: false })
  t.equal(other, 1, 'the other handler still ran')
  t.same(reported, ['voice.cloned:voice_123'])
  t.ok(logs.some((line) => line.level === 50 && line.eventType === 'voice.cloned' && line.eventId === 'voice_123' && JSON.stringify(line).includes('hunter2')), 'the real error is in the log')
  // The claim was released: a replay of the same event runs again.
  t.same((await app.inject(signed(voiceCloned))).json(), { success: false })
  t.equal(other, 2)
})

t.test('a failing handler on post_call_transcription: 500 without internal detail, then the retry runs', async (t) => {
  const { app, logs } = await build()
  let runs = 0
  app.elevenlabs.on('post_call_transcription', async () => { if (++runs === 1) throw new Error('database password is hunter2') })
  const event = { type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: `conv_${Date.now()}` } }
  const res = await app.inject(signed(event))
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'ELEVENLABS_HANDLER_FAILED')
  t.notMatch(res.body, 'hunter2')
  t.ok(logs.some((line) => line.level === 50 && JSON.stringify(line).includes('hunter2')), 'the real error is in the log')
  const retry = await app.inject(signed(event, { timestamp: Math.floor(Date.now() / 1000) + 30 }))
  t.same([retry.statusCode, retry.json()], [200, { success: true }])
  t.equal(runs, 2)
})

t.test('several failing handlers are aggregated', async (t) => {
  const { app, logs } = await build()
  app.elevenlabs.on('post_call_transcription', () => { throw new Error('first failure') })
  app.elevenlabs.onAny(() => Promise.reject(new Error('second failure')))
  const res = await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'c' } }))
  t.equal(res.statusCode, 500)
  const logged = JSON.stringify(logs.filter((line) => line.level === 50))
  t.match(logged, 'first failure')
  t.match(logged, 'second failure')
})

t.test('retriedTypes decides, per type, which failures are answered 5xx', async (t) => {
  const transcription = { type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'c' } }
  const none = await build({ retriedTypes: [] })
  none.app.elevenlabs.onAny(() => { throw new Error('boom') })
  t.same((await none.app.inject(signed(transcription))).json(), { success: false }, 'retries off: 200 for every type')
  const custom = await build({ retriedTypes: ['voice.cloned'] })
  custom.app.elevenlabs.onAny(() => { throw new Error('boom') })
  t.equal((await custom.app.inject(signed(voiceCloned))).statusCode, 500)
  t.equal((await custom.app.inject(signed(transcription))).statusCode, 200)
  for (const retriedTypes of ['post_call_transcription', [''], [3]]) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, retriedTypes: retriedTypes as string[] }).ready() },
      { code: 'ELEVENLABS_CONFIG_INVALID', message: /retriedTypes/ })
  }
  await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, acknowledgeHandlerErrors: true } as object).ready() },
    { code: 'ELEVENLABS_CONFIG_INVALID', message: /retriedTypes: \[\]/ }, 'the option it replaced says what to use instead')
  t.same(DEFAULT_RETRIED_TYPES, ['post_call_transcription', 'post_call_transcription_otel'])
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
  t.same((await app.inject(signed({ type: 'crm.lead', data: { lead_id: 1 } }))).json(), { success: false })
  t.same((await app.inject(signed({ type: 'billing.refund', data: { refund_id: 'r', amount: 'ten' } }))).json(), { success: false })
  t.equal((await app.inject(signed({ type: 'billing.refund', data: { refund_id: 'r', amount: 10 } }))).statusCode, 200)
  t.same(seen, ['L1'])
  t.throws(() => hooks.define('crm.lead' as string, Type.Object({})), { message: /already defined/ })
})

t.test('two webhooks in one service: two encapsulated registrations, own path, secret and handlers', async (t) => {
  const { app } = appWithLogs()
  const seen: string[] = []
  await app.register(async (agents) => {
    await agents.register(elevenlabsWebhooks, { path: '/webhooks/agents', secret: 'wsec_agents' })
    agents.elevenlabs.on('voice.cloned', () => { seen.push('agents') })
  })
  await app.register(async (stt) => {
    await stt.register(elevenlabsWebhooks, { path: '/webhooks/stt', secret: 'wsec_stt' })
    stt.elevenlabs.on('voice.cloned', () => { seen.push('stt') })
  })
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/agents', secret: 'wsec_agents' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/stt', secret: 'wsec_stt' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/stt', secret: 'wsec_agents' }))).statusCode, 400)
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

t.test('handler failures log type and ids, never the event: no audio, no transcript in any log line or serialised error', async (t) => {
  const { app, logs } = await build()
  const audio = 'QUJD'.repeat(50_000) // 200 KB of base64
  const words = 'my card number is 4111 1111 1111 1111'
  const errors: string[] = []
  app.elevenlabs.onAny(async () => { throw new Error('storage down') })
  app.elevenlabs.onError((error) => { errors.push(JSON.stringify(error)) })
  const audioRes = await app.inject(signed({ type: 'post_call_audio', data: { agent_id: 'a', conversation_id: 'conv_audio', full_audio: audio } }))
  t.same(audioRes.json(), { success: false })
  const transcriptRes = await app.inject(signed({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'conv_words', transcript: [{ role: 'user', message: words }] } }))
  t.equal(transcriptRes.statusCode, 500, 'a 500, which Fastify itself logs with the error')
  const logged = JSON.stringify(logs)
  t.notMatch(logged, 'QUJDQUJD', 'no audio in the log')
  t.notMatch(logged, 'card number', 'no transcript in the log')
  t.ok(logs.some((line) => line.level === 50 && line.eventType === 'post_call_audio' && line.eventId === 'conv_audio'))
  t.ok(logs.some((line) => line.level === 50 && (line.err as { code?: string } | undefined)?.code === 'ELEVENLABS_HANDLER_FAILED' && (line.err as { eventId?: string }).eventId === 'conv_words'), 'Fastify\'s own error log line names the event by type and id')
  t.equal(errors.length, 2)
  t.notMatch(errors.join(''), /QUJDQUJD|card number/, 'JSON.stringify of the error leaves the event out')
})

t.test('handlers and hooks may return anything: values are ignored, promises awaited', async (t) => {
  const { app } = await build()
  const done: string[] = []
  app.elevenlabs.on('voice.cloned', () => 42)
  app.elevenlabs.on('voice.cloned', () => null)
  app.elevenlabs.on('voice.cloned', async () => { await new Promise((resolve) => setImmediate(resolve)); done.push('awaited'); return { rowCount: 1 } })
  app.elevenlabs.onInvalid(() => 'stored')
  t.same((await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'v_any' } }))).json(), { success: true })
  t.same(done, ['awaited'], 'answered after the promise settled')
  t.same((await app.inject(signed({ type: 'voice.cloned', data: {} }))).json(), { success: false })
})
