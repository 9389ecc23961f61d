// The POST /webhook route of (e) and (g): its body read exactly the way the plugin reads it,
// fastify-raw-body with the plugin's options and its route config, then the plugin's body parser
// handing on fastify-raw-body's Buffer as request.body.
import fastifyRawBody from 'fastify-raw-body'
import { createBodyParser } from '../../dist/body-parser.js'

const bodyLimit = 64 * 1024 * 1024

export async function registerWebhookRoute (app, handler) {
  await app.register(async (scope) => {
    await scope.register(fastifyRawBody, { encoding: false, global: false, jsonContentTypes: [] })
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', { bodyLimit }, createBodyParser(bodyLimit, true))
    scope.post('/webhook', { bodyLimit, config: { rawBody: true } }, handler)
  })
}
