// (e) The least a receiver that checks the signature does, reading the body exactly the way the
// plugin does (read-as-plugin.mjs), this package's HMAC check on it, JSON.parse, a constant
// answer. No envelope or schema check, no duplicate detection, no handler. Not a receiver anyone
// should run; the gap between it and (b) is what the plugin adds beyond reading and verifying.
import Fastify from 'fastify'
import { createVerifier } from '../../dist/index.js'
import { registerWebhookRoute } from './read-as-plugin.mjs'
import { reportCpuOnExit } from './cpu.mjs'

const verifier = createVerifier(process.env.SECRET)
const app = Fastify()
await registerWebhookRoute(app, (request, reply) => {
  // Throws a 400 WebhookVerificationError for a bad signature.
  verifier.verify(request.body, request.headers['elevenlabs-signature'])
  JSON.parse(request.body.toString('utf8'))
  reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
