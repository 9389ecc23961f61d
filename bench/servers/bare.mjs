import { reportCpuOnExit } from './cpu.mjs'
// (a) The floor: a bare Fastify 5 route that only parses the JSON body.
import Fastify from 'fastify'

const app = Fastify({ bodyLimit: 64 * 1024 * 1024 })
app.post('/webhook', async (request) => {
  if (typeof request.body !== 'object' || request.body === null) throw Object.assign(new Error('not an object'), { statusCode: 400 })
  return { success: true }
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
