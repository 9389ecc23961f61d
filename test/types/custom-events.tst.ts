/**
 * For type checking only. Custom event types declared by module augmentation type
 * `fastify.elevenlabs` itself (the runtime side is the `events` option).
 */
import Fastify from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { expect, test } from 'tstyche'
import elevenlabsWebhooks from '../../src/index.js'

const Refund = Type.Object({ refund_id: Type.String(), amount: Type.Number() })

declare module '../../src/index.js' {
  interface CustomEventSchemas {
    'billing.refund': typeof Refund
  }
}

test('an augmented custom event is typed on fastify.elevenlabs', async () => {
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret: 'wsec_x', events: { 'billing.refund': Refund } })
  app.elevenlabs.on('billing.refund', (event) => {
    expect(event.data).type.toBe<Static<typeof Refund>>()
  })
  app.elevenlabs.on(['billing.refund', 'voice.cloned'], (event) => {
    if (event.type === 'billing.refund') expect(event.data.amount).type.toBe<number>()
  })
  expect(app.elevenlabs.on).type.not.toBeCallableWith('billing.refunded', () => {})
})
