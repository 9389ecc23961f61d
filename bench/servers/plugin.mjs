// (b) This plugin, default options, with typed handlers registered.
import Fastify from 'fastify'
import elevenlabsWebhooks from '../../dist/index.js'

const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET, ...JSON.parse(process.env.BENCH_PLUGIN_OPTIONS ?? '{}') })
let handled = 0
app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], (event) => {
  if (event.data.conversation_id.length > 0) handled++
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.stdout.write('ready\n')
process.on('SIGTERM', () => { process.stderr.write(`handled ${handled}\n`); process.exit(0) })
