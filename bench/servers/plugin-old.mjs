// (b) This plugin, default options, with typed handlers registered.
import Fastify from 'fastify'
import elevenlabsWebhooks from '/work/ab/dist-old/index.js'
import { reportCpuOnExit } from './cpu.mjs'

const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET, ...JSON.parse(process.env.BENCH_PLUGIN_OPTIONS ?? '{}') })
app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], (event) => {
  if (event.data.conversation_id.length === 0) throw new Error('no conversation_id')
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
