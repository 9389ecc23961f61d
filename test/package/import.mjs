// ESM: the default import and the testing kit, plus a router shared with the CommonJS build.
import Fastify from 'fastify'
import elevenlabsWebhooks, { createRouter } from 'fastify-elevenlabs-webhooks'
import { buildEvent, injectEvent } from 'fastify-elevenlabs-webhooks/testing'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const handled = []
// A router made by the ESM build, passed to the plugin of the CommonJS build.
const router = createRouter()
router.on('voice.cloned', async (event) => { handled.push(event.data.voice_id) })
const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: 'wsec_package' })
await app.register(async (scope) => { await scope.register(require('fastify-elevenlabs-webhooks').default, { secret: 'wsec_package', path: '/shared', router }) })
app.elevenlabs.on('voice.cloned', async (event) => { handled.push(event.data.voice_id) })
const esm = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_esm' } }), { secret: 'wsec_package' })
const shared = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_shared' } }), { secret: 'wsec_package', path: '/shared' })
process.stdout.write(JSON.stringify({ status: esm.statusCode, shared: shared.statusCode, handled }) + '\n')
await app.close()
