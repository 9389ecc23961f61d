// CommonJS, the way most Fastify docs write it: require() the plugin and its testing kit.
'use strict'
const Fastify = require('fastify')
const { buildEvent, injectEvent } = require('fastify-elevenlabs-webhooks/testing')
const { createRouter, WebhookConfigError } = require('fastify-elevenlabs-webhooks')

async function main () {
  const app = Fastify()
  await app.register(require('fastify-elevenlabs-webhooks'), { secret: 'wsec_package' })
  const handled = []
  app.elevenlabs.on('voice.cloned', async (event) => { handled.push(event.data.voice_id) })
  const response = await injectEvent(app, buildEvent('voice.cloned', { data: { voice_id: 'v_cjs' } }), { secret: 'wsec_package' })
  process.stdout.write(JSON.stringify({
    status: response.statusCode,
    handled,
    router: typeof createRouter().on,
    configError: typeof WebhookConfigError
  }) + '\n')
  await app.close()
}
main().catch((err) => { console.error(err); process.exit(1) })
