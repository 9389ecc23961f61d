// A TypeScript CommonJS project (module node16), strict, with exactOptionalPropertyTypes.
// The /bullmq subpath is for apps that have bullmq; its job data type is in the main entry too.
import Fastify from 'fastify'
import elevenlabsWebhooks, { Type, type ElevenLabsEvent } from 'fastify-elevenlabs-webhooks'
import { buildEvent, injectEvent } from 'fastify-elevenlabs-webhooks/testing'
import type { WebhookJobData } from 'fastify-elevenlabs-webhooks'

const Lead = Type.Object({ lead_id: Type.String() })
const handled: string[] = []

async function onCloned (event: ElevenLabsEvent<'voice.cloned'>): Promise<number> {
  return handled.push(event.data.voice_id)
}

async function main (): Promise<void> {
  const app = Fastify()
  // Optional options given values that may be undefined, as apps read them from the environment.
  await app.register(elevenlabsWebhooks, {
    secret: process.env.ELEVENLABS_WEBHOOK_SECRET ?? 'wsec_package',
    path: process.env.WEBHOOK_PATH,
    tolerance: process.env.NO_SUCH_VARIABLE === undefined ? undefined : 60,
    events: { 'crm.lead': Lead },
    routeOptions: { logLevel: 'warn' }
  })
  app.elevenlabs.on('voice.cloned', onCloned)
  const job: Pick<WebhookJobData, 'bytes'> = { bytes: 1 }
  const response = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_ts' } }), { secret: 'wsec_package', timestamp: undefined })
  process.stdout.write(JSON.stringify({ status: response.statusCode, handled, bytes: job.bytes }) + '\n')
  await app.close()
}
main().catch((err: unknown) => { console.error(err); process.exit(1) })
