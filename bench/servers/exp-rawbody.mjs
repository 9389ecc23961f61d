import { reportCpuOnExit } from './cpu.mjs'
import Fastify from 'fastify'
import rawBody from 'fastify-raw-body'
const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
await app.register(async (scope) => {
  if (process.env.EXP === 'rawbody') await scope.register(rawBody, { encoding: false, global: false, jsonContentTypes: [] })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_r, body, done) => done(null, body))
  scope.post('/webhook', { config: { rawBody: true } }, async (request) => {
    const b = request.rawBody ?? request.body
    JSON.parse(b.toString('utf8'))
    return { success: true }
  })
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
