/**
 * For type checking only: run by `npm run test:types` (tstyche), never executed. It proves that
 * handlers get `data` typed from the TypeBox schemas and that misuse fails to compile.
 */
import Fastify, { type FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { expect, test } from 'tstyche'
import { Type as Type1 } from 'typebox'
import elevenlabsWebhooks, {
  constructEvent,
  type ElevenLabsEvent,
  type EventTimestamp,
  type InvalidWebhookEvent,
  type PayloadErrorCode,
  type PostCallAudioData,
  type UnknownWebhookEvent,
  type VoiceClonedData,
  type WebhookEnvelope,
  type WebhookEvent,
  type AllEventSchemas,
  Type as ReexportedType
} from '../../src/index.js'

const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: 'wsec_x' })

test('a handler gets the event typed from its schema, and the request', () => {
  app.elevenlabs.on('voice.cloned', (event, request) => {
    expect(event.type).type.toBe<'voice.cloned'>()
    expect(event.data).type.toBe<VoiceClonedData>()
    expect(event.data.voice_id).type.toBe<string>()
    expect(event.event_timestamp).type.toBe<EventTimestamp | undefined>()
    expect<EventTimestamp>().type.toBe<number | string>()
    expect(request).type.toBe<FastifyRequest>()
  })
  app.elevenlabs.on('usage.threshold', async (event) => {
    expect(event.data.threshold).type.toBe<number>()
  })
})

test('a union of types narrows on event.type', () => {
  app.elevenlabs.on(['voice.cloned', 'post_call_audio'], (event) => {
    if (event.type === 'post_call_audio') {
      expect(event.data).type.toBe<PostCallAudioData>()
      expect(event.data.full_audio).type.toBe<string>()
    } else {
      expect(event.data).type.toBe<VoiceClonedData>()
    }
  })
})

test('free-form objects are records of unknown values, not any', () => {
  app.elevenlabs.on('post_call_transcription', (event) => {
    expect(event.data.conversation_initiation_client_data?.dynamic_variables).type.toBe<Record<string, unknown> | null | undefined>()
    expect(event.data.transcript?.[0]?.tool_results?.[0]?.result).type.toBe<Record<string, unknown> | null | undefined>()
    expect(event.data.transcript?.[0]?.llm_usage?.model_usage?.['gpt-4o']?.input?.tokens).type.toBe<number | null | undefined>()
  })
})

test('onAny gets known events or an unknown one', () => {
  app.elevenlabs.onAny((event) => {
    expect(event).type.toBe<WebhookEvent<AllEventSchemas> | UnknownWebhookEvent>()
  })
})

test('unknown event names do not compile', () => {
  expect(app.elevenlabs.on).type.not.toBeCallableWith('voice.clone', () => {})
  expect(app.elevenlabs.on).type.not.toBeCallableWith(['voice.cloned', 'nope'], () => {})
  expect(app.elevenlabs.off).type.not.toBeCallableWith('nope', () => {})
})

test('a wrong data field does not compile', () => {
  app.elevenlabs.on('voice.cloned', (event) => {
    expect(event.data).type.not.toHaveProperty('audio_id')
    expect(event.data.voice_id).type.not.toBe<number>()
  })
  expect(app.elevenlabs.on).type.not.toBeCallableWith('voice.cloned', (event: { data: { voice_id: number } }) => event.data.voice_id.toFixed())
})

test('handlers may return anything: (e) => queue.add(…), async (e) => db.insert(e)', () => {
  expect(app.elevenlabs.on).type.toBeCallableWith('voice.cloned', async () => {})
  expect(app.elevenlabs.on).type.toBeCallableWith('voice.cloned', (event: { data: { voice_id: string } }) => event.data.voice_id.length)
  expect(app.elevenlabs.on).type.toBeCallableWith('voice.cloned', async () => ({ rowCount: 1 }))
  expect(app.elevenlabs.onError).type.toBeCallableWith(() => 42)
  expect(app.elevenlabs.onInvalid).type.toBeCallableWith(async () => 'stored')
  expect(app.elevenlabs.on).type.not.toBeCallableWith('voice.cloned', 'not a function')
})

test('ElevenLabsEvent<T> types a handler written in a module of its own', () => {
  const onTranscript = async (event: ElevenLabsEvent<'post_call_transcription'>, request: FastifyRequest): Promise<string> => {
    request.log.info({ id: event.data.conversation_id }, 'transcript')
    return event.data.conversation_id
  }
  expect(app.elevenlabs.on).type.toBeCallableWith('post_call_transcription', onTranscript)
  expect(app.elevenlabs.on).type.not.toBeCallableWith('post_call_audio', onTranscript)
  expect<ElevenLabsEvent<'voice.cloned'>['data']>().type.toBe<VoiceClonedData>()
})

test('define() returns a router typed with the custom event', () => {
  const Lead = Type.Object({ lead_id: Type.String(), score: Type.Optional(Type.Number()) })
  const hooks = app.elevenlabs.define('crm.lead', Lead)
  hooks.on('crm.lead', (event) => {
    expect(event.data).type.toBe<Static<typeof Lead>>()
  })
  hooks.on('voice.cloned', (event) => {
    expect(event.data.voice_id).type.toBe<string>()
  })
  expect(app.elevenlabs.on).type.not.toBeCallableWith('crm.lead', () => {})
  expect(app.elevenlabs.define).type.not.toBeCallableWith('voice.cloned', Lead)
})

test('options are typed', () => {
  expect(elevenlabsWebhooks).type.not.toBeCallableWith(app, { secret: 42 }, () => {})
  expect(app.register).type.toBeCallableWith(elevenlabsWebhooks, { secret: ['a', 'b'], path: '/hooks', tolerance: 60, bodyLimit: 1024, retriedTypes: ['post_call_transcription'], rejectInvalid: false })
  expect(app.register).type.not.toBeCallableWith(elevenlabsWebhooks, { secret: 'x', retriedTypes: 'post_call_transcription' })
  expect(app.register).type.not.toBeCallableWith(elevenlabsWebhooks, { secret: 'x', tolerence: 60 })
})

test('constructEvent returns the envelope', () => {
  expect(constructEvent('{}', 't=1,v0=x', 'wsec_x')).type.toBe<WebhookEnvelope>()
  expect(constructEvent).type.not.toBeCallableWith('{}', 't=1,v0=x', 42)
})

test('onInvalid gets the invalid delivery and the request', () => {
  app.elevenlabs.onInvalid((invalid, request) => {
    expect(invalid).type.toBe<InvalidWebhookEvent>()
    expect(invalid.rawBody).type.toBe<Buffer>()
    expect(invalid.type).type.toBe<string | undefined>()
    expect(invalid.error.code).type.toBe<PayloadErrorCode>()
    expect(invalid.error.path).type.toBe<string>()
    expect(request).type.toBe<FastifyRequest>()
  })
  expect(app.elevenlabs.onInvalid).type.not.toBeCallableWith((invalid: { rawBody: string }) => invalid.rawBody)
})

test('onError gets the failure with its type and id, and the event', () => {
  app.elevenlabs.onError((error) => {
    expect(error.eventType).type.toBe<string>()
    expect(error.eventId).type.toBe<string | undefined>()
    expect(error.event.type).type.toBe<string>()
  })
})

test('options: route options for the app\'s plugins, and values that may be undefined', () => {
  expect(app.register).type.toBeCallableWith(elevenlabsWebhooks, {
    secret: process.env.ELEVENLABS_WEBHOOK_SECRET,
    path: undefined,
    prefix: '/api',
    routeOptions: {
      config: {},
      logLevel: 'warn',
      schema: { hide: false, tags: ['webhooks'] },
      preHandler: async (request: FastifyRequest) => { request.log.info('verified') }
    }
  })
  expect(app.register).type.not.toBeCallableWith(elevenlabsWebhooks, { routeOptions: { method: 'GET' } })
  expect(app.register).type.not.toBeCallableWith(elevenlabsWebhooks, { routeOptions: { schema: { body: Type.Object({}) } } })
})

test('custom events take schemas from the Type the package re-exports, the same TypeBox', () => {
  expect(ReexportedType).type.toBe(Type)
  expect(app.register).type.toBeCallableWith(elevenlabsWebhooks, { events: { 'crm.lead': ReexportedType.Object({ id: ReexportedType.String() }) } })
  expect(app.register).type.not.toBeCallableWith(elevenlabsWebhooks, { events: { 'crm.lead': Type1.Object({ id: Type1.String() }) } })
})
