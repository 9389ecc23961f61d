/**
 * For type checking only: the test kit's events are typed from the schemas too.
 */
import Fastify from 'fastify'
import { expect, test } from 'tstyche'
import type { LightMyRequestResponse } from 'fastify'
import { buildEvent, fixtures, injectEvent } from '../../src/testing.js'
import type { PostCallAudioData, VoiceClonedData } from '../../src/index.js'

test('buildEvent returns the typed event of its type', () => {
  const event = buildEvent('voice.cloned')
  expect(event.type).type.toBe<'voice.cloned'>()
  expect(event.data).type.toBe<VoiceClonedData>()
  expect(fixtures.post_call_audio.data).type.toBe<PostCallAudioData>()
})

test('overrides are checked against the schema', () => {
  expect(buildEvent).type.toBeCallableWith('voice.cloned', { data: { voice_id: 'v2' } })
  expect(buildEvent).type.not.toBeCallableWith('voice.cloned', { data: { voice_id: 2 } })
  expect(buildEvent).type.not.toBeCallableWith('voice.clone')
})

test('injectEvent takes any Fastify app, needs the secret, returns the inject response', () => {
  const app = Fastify()
  const withLogger = Fastify({ loggerInstance: Fastify().log })
  expect(injectEvent).type.toBeCallableWith(withLogger, buildEvent('voice.cloned'), { secret: 's' })
  expect(injectEvent(app, buildEvent('voice.cloned'), { secret: 's' })).type.toBe<Promise<LightMyRequestResponse>>()
  expect(injectEvent).type.not.toBeCallableWith(app, buildEvent('voice.cloned'), {})
})
