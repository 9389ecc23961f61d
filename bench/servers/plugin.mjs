// (b) This plugin, default options, with a typed `async` handler registered, as real handlers
// are. BENCH_HANDLER=sync makes it (b-sync): the same handler without `async`, which takes the
// delivery's synchronous path (no promise at all).
import Fastify from 'fastify'
import elevenlabsWebhooks from '../../dist/index.js'
import { reportCpuOnExit } from './cpu.mjs'

const app = Fastify()
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET, ...JSON.parse(process.env.BENCH_PLUGIN_OPTIONS ?? '{}') })
const check = (event) => {
  if (event.data.conversation_id.length === 0) throw new Error('no conversation_id')
}
app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], process.env.BENCH_HANDLER === 'sync' ? check : async (event) => { check(event) })
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
