// A TypeScript ESM project (module nodenext), strict, with exactOptionalPropertyTypes.
import Fastify from 'fastify'
import elevenlabsWebhooks, { createRouter, type ElevenLabsWebhooksOptions } from 'fastify-elevenlabs-webhooks'
import { buildEvent, injectEvent } from 'fastify-elevenlabs-webhooks/testing'

const options: ElevenLabsWebhooksOptions = {
  secret: process.env.ELEVENLABS_WEBHOOK_SECRET ?? 'wsec_package',
  idempotency: { ttl: undefined, store: undefined },
  ackTimeout: undefined,
  retriedTypes: undefined
}
const router = createRouter()
const handled: string[] = []
router.on('voice.cloned', (event) => handled.push(event.data.voice_id))
const app = Fastify()
await app.register(elevenlabsWebhooks, { ...options, router })
const response = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_ts_esm' } }), { secret: 'wsec_package' })
process.stdout.write(JSON.stringify({ status: response.statusCode, handled }) + '\n')
await app.close()
