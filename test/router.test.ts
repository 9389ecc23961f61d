import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import elevenlabsWebhooks, { createRouter, WebhookHandlerError, WebhookPayloadError, type WebhookContext } from '../src/index.js'
import { secret, signed } from './helpers.js'

/** A context like a worker's: a logger that keeps what it is given. */
function context (): WebhookContext & { lines: Array<{ obj: object, msg?: string }> } {
  const lines: Array<{ obj: object, msg?: string }> = []
  const keep = (obj: object, msg?: string): void => { lines.push({ obj, msg }) }
  return { lines, log: { error: keep, warn: keep, info: keep } }
}

t.test('createRouter: handlers registered once run through the plugin and through receive()', async (t) => {
  const router = createRouter()
  const seen: string[] = []
  router.on('voice.cloned', (event, ctx) => {
    seen.push(event.data.voice_id)
    ctx.log.info({ voiceId: event.data.voice_id }, 'voice cloned')
  })
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret, router })
  t.equal(app.elevenlabs, router, 'fastify.elevenlabs is the router given')
  t.same((await app.inject(signed({ type: 'voice.cloned', data: { voice_id: 'from_http' } }))).json(), { success: true })
  const ctx = context()
  await router.receive({ type: 'voice.cloned', data: { voice_id: 'from_a_job' } }, ctx)
  await router.receive('{"type":"voice.cloned","data":{"voice_id":"from_raw"}}', ctx)
  await router.receive(Buffer.from('{"type":"voice.cloned","data":{"voice_id":"from_bytes"}}'), ctx)
  t.same(seen, ['from_http', 'from_a_job', 'from_raw', 'from_bytes'])
  t.equal(ctx.lines.length, 3, 'the handler logged through the context it was given')
})

t.test('receive(): an invalid event goes to onInvalid and rejects with its WebhookPayloadError; nothing else runs', async (t) => {
  const router = createRouter()
  let ran = 0
  router.onAny(() => { ran++ })
  const kept: Array<{ code: string, path: string, type: string | undefined, eventId: string | undefined, raw: string }> = []
  router.onInvalid((invalid) => { kept.push({ code: invalid.error.code, path: invalid.error.path, type: invalid.type, eventId: invalid.eventId, raw: invalid.rawBody.toString() }) })
  const ctx = context()
  await t.rejects(router.receive({ type: 'post_call_transcription', data: { agent_id: 'a', conversation_id: 'conv_1', status: 3 } }, ctx), WebhookPayloadError)
  await t.rejects(router.receive('{"data":{}}', ctx), { code: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', path: '/type' })
  await t.rejects(router.receive(Buffer.from('not json'), ctx), { code: 'ELEVENLABS_PAYLOAD_INVALID_JSON' })
  await t.rejects(router.receive({ data: {} } as unknown as { type: string }, ctx), { code: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE' })
  t.same(kept, [
    { code: 'ELEVENLABS_PAYLOAD_INVALID_DATA', path: '/data/status', type: 'post_call_transcription', eventId: 'conv_1', raw: '{"type":"post_call_transcription","data":{"agent_id":"a","conversation_id":"conv_1","status":3}}' },
    { code: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', path: '/type', type: undefined, eventId: undefined, raw: '{"data":{}}' },
    { code: 'ELEVENLABS_PAYLOAD_INVALID_JSON', path: '', type: undefined, eventId: undefined, raw: 'not json' },
    { code: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', path: '/type', type: undefined, eventId: undefined, raw: '{"data":{}}' }
  ])
  t.equal(ran, 0)
  router.onInvalid(() => { throw new Error('bucket down') })
  await t.rejects(router.receive('{"data":{}}', ctx), { code: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE' }, 'still the payload error')
  t.ok(ctx.lines.some((line) => line.msg === 'An ElevenLabs webhook onInvalid hook threw' && (line.obj as { err: Error }).err.message === 'bucket down'))
})

t.test('receive(): failing handlers all settle, go to onError, and reject with the WebhookHandlerError', async (t) => {
  const router = createRouter()
  let others = 0
  router.on('voice.cloned', async () => { throw new Error('crm down') })
  router.onAny(() => { others++ })
  const reported: string[] = []
  router.onError((error) => { reported.push(`${error.eventType}:${error.eventId}`) })
  router.onError(() => { throw new Error('tracker down') })
  const ctx = context()
  const error = await router.receive({ type: 'voice.cloned', data: { voice_id: 'v1' } }, ctx).then(() => undefined, (err: unknown) => err)
  t.type(error, WebhookHandlerError)
  t.same((error as WebhookHandlerError).errors.map((e) => (e as Error).message), ['crm down'])
  t.equal(others, 1)
  t.same(reported, ['voice.cloned:v1'], 'onError ran before receive settled')
  t.ok(ctx.lines.some((line) => line.msg === 'An ElevenLabs webhook onError hook threw'))
  // A context without a logger: hook failures have nowhere to go, and receive still rejects.
  await t.rejects(router.receive({ type: 'voice.cloned', data: { voice_id: 'v2' } }, {} as WebhookContext), WebhookHandlerError)
})

t.test('createRouter({ events }) and the plugin\'s events option add to the same router', async (t) => {
  const router = createRouter({ events: { 'crm.lead': Type.Object({ lead_id: Type.String() }) } })
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret, router, events: { 'billing.refund': Type.Object({ refund_id: Type.String() }) } })
  t.ok(router.eventTypes.includes('crm.lead'))
  t.ok(router.eventTypes.includes('billing.refund'))
  t.throws(() => createRouter({ events: { 'voice.cloned': Type.Object({}) } }), { code: 'ELEVENLABS_CONFIG_INVALID', message: /already defined/ })
  await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, router: {} as typeof router }).ready() },
    { code: 'ELEVENLABS_CONFIG_INVALID', message: /createRouter/ })
})
