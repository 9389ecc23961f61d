// (e) The least any receiver that checks the signature does: the body read into one Buffer the
// cheapest way known (this package's body parser without fastify-raw-body: a body that arrives in
// one chunk is Node's own Buffer, not copied), this package's HMAC check on it, JSON.parse, a
// constant answer. No envelope or schema check, no duplicate detection, no handler. Not a
// receiver anyone should run; what it reaches against (a) is as far as a verifying receiver can
// get on this machine.
import Fastify from 'fastify'
import { createVerifier } from '../../dist/index.js'
import { createBodyParser } from '../../dist/body-parser.js'
import { reportCpuOnExit } from './cpu.mjs'

const verifier = createVerifier(process.env.SECRET)
const bodyLimit = 64 * 1024 * 1024
const app = Fastify({ bodyLimit })
app.register(async (scope) => {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('application/json', createBodyParser(bodyLimit, false))
  scope.post('/webhook', (request, reply) => {
    // Throws a 400 WebhookVerificationError for a bad signature.
    verifier.verify(request.body, request.headers['elevenlabs-signature'])
    JSON.parse(request.body.toString('utf8'))
    reply.code(200).type('application/json; charset=utf-8').send('{"success":true}')
  })
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
