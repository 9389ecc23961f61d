// A TypeScript CommonJS project, compiled twice: module node16 (strict, exactOptionalPropertyTypes)
// and the old moduleResolution node10, where subpaths are found through typesVersions.
// bullmq is installed here, as in any app that uses the /bullmq subpath.
import Fastify from 'fastify'
import elevenlabsWebhooks, { Type, type ElevenLabsEvent } from 'fastify-elevenlabs-webhooks'
import { buildEvent, injectEvent } from 'fastify-elevenlabs-webhooks/testing'
import type { CreateWorkerOptions } from 'fastify-elevenlabs-webhooks/bullmq'
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
  const worker: Pick<CreateWorkerOptions, 'closeTimeout'> = { closeTimeout: 1000 }
  const response = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_ts' } }), { secret: 'wsec_package', timestamp: undefined })
  process.stdout.write(JSON.stringify({ status: response.statusCode, handled, bytes: job.bytes, closeTimeout: worker.closeTimeout }) + '\n')
  await app.close()
}
main().catch((err: unknown) => { console.error(err); process.exit(1) })
