// (f) This plugin in queue mode, default options: each verified event becomes a BullMQ job on the
// local Redis before the answer (bench-queue.mjs); no worker runs here.
import Fastify from 'fastify'
import elevenlabsWebhooks from '../../dist/index.js'
import { benchQueue } from './bench-queue.mjs'
import { reportCpuOnExit } from './cpu.mjs'

const app = Fastify()
const queue = benchQueue(app)
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET, queue })
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
