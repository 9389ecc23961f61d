// (d) A proposal, not the shipped default: this plugin verifying the bytes its own route parser
// already holds, without fastify-raw-body's second read of the body. The plugin skips
// registering fastify-raw-body when an app already has it; a stand-in registered under that
// name makes it use the parser's Buffer instead, with no change to the plugin's code.
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import elevenlabsWebhooks from '../../dist/index.js'
import { reportCpuOnExit } from './cpu.mjs'

const app = Fastify()
await app.register(fp(async () => {}, { name: 'fastify-raw-body' }))
await app.register(elevenlabsWebhooks, { secret: process.env.SECRET })
app.elevenlabs.on(['post_call_transcription', 'post_call_audio'], (event) => {
  if (event.data.conversation_id.length === 0) throw new Error('no conversation_id')
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
reportCpuOnExit(app.server)
process.stdout.write('ready\n')
