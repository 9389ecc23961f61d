import t from 'tap'
import Fastify from 'fastify'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import elevenlabsWebhooks, { eventSchemas, type EventType } from '../src/index.js'
import { buildEvent, fixtures, injectEvent, signedRequest } from '../src/testing.js'

const secret = 'wsec_test'

// The README's "Testing your handlers" example, as it stands there.
t.test('voice.cloned is stored', async (t) => {
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret })
  const stored: string[] = []
  app.elevenlabs.on('voice.cloned', (event) => { stored.push(event.data.voice_id) })

  const res = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v1' } }), { secret })

  t.equal(res.statusCode, 200)
  t.same(stored, ['v1'])
})

t.test('every exported fixture is a valid event of its type', async (t) => {
  for (const type of Object.keys(eventSchemas) as EventType[]) {
    const check = TypeCompiler.Compile(eventSchemas[type])
    t.ok(check.Check(fixtures[type].data), type)
    t.equal(fixtures[type].type, type)
  }
})

t.test('buildEvent gives a fresh copy with overrides merged', async (t) => {
  const event = buildEvent('post_call_transcription', { data: { conversation_id: 'conv_1' }, event_timestamp: 42 })
  t.equal(event.data.conversation_id, 'conv_1')
  t.equal(event.data.agent_id, fixtures.post_call_transcription.data.agent_id, 'the other fields are the sample\'s')
  t.equal(event.event_timestamp, 42)
  event.data.transcript?.push({ role: 'user', message: 'mutated' })
  t.not(fixtures.post_call_transcription.data.transcript?.length, event.data.transcript?.length, 'the exported sample is untouched')
  t.same(buildEvent('voice.cloned'), fixtures['voice.cloned'])
  t.throws(() => buildEvent('crm.lead' as EventType), { name: 'TypeError', message: /No sample event for "crm.lead"/ })
})

t.test('injectEvent signs the exact bytes it sends: objects, strings, Buffers; path, timestamp, headers', async (t) => {
  const app = Fastify()
  await app.register(async (scope) => {
    await scope.register(elevenlabsWebhooks, { secret, path: '/hooks/elevenlabs' })
    scope.elevenlabs.onAny(() => {})
  })
  const options = { secret, path: '/hooks/elevenlabs' }
  t.equal((await injectEvent(app, buildEvent('usage.threshold'), options)).statusCode, 200)
  t.equal((await injectEvent(app, '{"type":"test","data":{}}\r\n', options)).statusCode, 200)
  t.equal((await injectEvent(app, Buffer.from('{"type":"voice.cloned","data":{"voice_id":"é"}}'), options)).statusCode, 200)
  t.equal((await injectEvent(app, buildEvent('voice.cloned'), { ...options, timestamp: Math.floor(Date.now() / 1000) - 3600 })).statusCode, 400)
  t.equal((await injectEvent(app, buildEvent('voice.cloned'), { ...options, headers: { 'content-type': 'text/plain' } })).statusCode, 415)
  t.equal((await injectEvent(app, buildEvent('voice.cloned'), { secret: 'wsec_wrong', path: options.path })).statusCode, 400)
  const request = signedRequest({ type: 'x' }, { secret })
  t.equal(request.url, '/webhook', 'the default path')
  t.equal(request.payload, '{"type":"x"}')
})
