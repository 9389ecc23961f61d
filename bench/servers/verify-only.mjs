// (e) The least a receiver that checks the signature does, reading the body exactly the way the
// plugin does: fastify-raw-body with the plugin's options and its route config, the plugin's
// body parser handing on fastify-raw-body's Buffer, this package's HMAC check on it,
// JSON.parse, a constant answer. No envelope or schema check, no duplicate detection, no
// handler. Not a receiver anyone should run; the gap between it and (b) is what the plugin adds
// beyond reading and verifying.
import Fastify from 'fastify'
import fastifyRawBody from 'fastify-raw-body'
import { createVerifier } from '../../dist/index.js'
import { createBodyParser } from '../../dist/body-parser.js'
import { reportCpuOnExit } from './cpu.mjs'

const verifier = createVerifier(process.env.SECRET)
const bodyLimit = 64 * 1024 * 1024
const app = Fastify()
await app.register(async (scope) => {
  await scope.register(fastifyRawBody, { encoding: false, global: false, jsonContentTypes: [] })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('application/json', { bodyLimit }, createBodyParser(bodyLimit, true))
  scope.post('/webhook', { bodyLimit, config: { rawBody: true } }, (request, reply) => {
    // Throws a 400 WebhookVerificationError for a bad signature.
    verifier.verify(request.body, request.headers['elevenlabs-signature'])
    JSON.parse(request.body.toString('utf8'))
    reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
  })
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
