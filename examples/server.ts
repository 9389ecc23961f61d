/**
 * The example service behind `npm start`: one ElevenLabs webhook at POST /webhook on
 * 127.0.0.1:3000, with typed handlers. Needs no configuration: without
 * ELEVENLABS_WEBHOOK_SECRET it makes a secret for this run and prints how to send it an event.
 */
import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import elevenlabsWebhooks, { generateSignatureHeader } from '../src/index.js'

const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 3000)
const generated = process.env.ELEVENLABS_WEBHOOK_SECRET === undefined || process.env.ELEVENLABS_WEBHOOK_SECRET === ''
const secret = generated ? `wsec_${randomBytes(24).toString('hex')}` : process.env.ELEVENLABS_WEBHOOK_SECRET as string

const app = Fastify({ logger: true })
await app.register(elevenlabsWebhooks, { secret })

app.elevenlabs.on('voice.cloned', async (event, request) => {
  request.log.info({ voiceId: event.data.voice_id }, 'voice cloned')
})
app.elevenlabs.on('usage.threshold', async (event, request) => {
  request.log.info({ threshold: event.data.threshold }, 'usage threshold reached')
})
app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], async (event, request) => {
  // A union of types narrows on event.type.
  if (event.type === 'post_call_audio') {
    request.log.info({ conversationId: event.data.conversation_id, audioBytes: event.data.full_audio.length }, 'call audio received')
  } else {
    request.log.info({ conversationId: event.data.conversation_id, turns: event.data.transcript?.length ?? 0 }, 'call transcript received')
  }
})
app.elevenlabs.onAny(async (event, request) => {
  request.log.info({ type: event.type }, 'ElevenLabs event verified')
})
// A verified body this service cannot process (its data fails the schema, say) is answered 200
// and comes here with its exact bytes: a real service stores invalid.rawBody to replay it later.
app.elevenlabs.onInvalid(async (invalid, request) => {
  request.log.warn({ eventType: invalid.type, code: invalid.error.code, path: invalid.error.path, bytes: invalid.rawBody.length }, 'invalid ElevenLabs event')
})

app.get('/health', async () => ({ ok: true }))

const address = await app.listen({ host, port })

const url = `${address}/webhook`
const body = JSON.stringify({ type: 'voice.cloned', event_timestamp: Math.floor(Date.now() / 1000), data: { voice_id: 'voice_example' } })
const signature = generateSignatureHeader({ payload: body, secret })
const lines = [
  '',
  `ElevenLabs webhook receiver listening on ${url}`,
  generated
    ? `No ELEVENLABS_WEBHOOK_SECRET set: using a secret made for this run: ${secret}`
    : 'Using the secret from ELEVENLABS_WEBHOOK_SECRET.',
  '',
  'Send it a signed voice.cloned event, from another terminal:',
  `  ELEVENLABS_WEBHOOK_SECRET=${secret} npm run cli -- send voice.cloned${port === 3000 && host === '127.0.0.1' ? '' : ` --url ${url}`}`,
  'or with curl (this signature is valid for 30 minutes):',
  `  curl -sS -X POST ${url} -H 'content-type: application/json' -H 'elevenlabs-signature: ${signature}' -d '${body}'`,
  ''
]
process.stdout.write(lines.join('\n') + '\n')

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}
