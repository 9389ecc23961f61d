// (c) What the ElevenLabs docs' examples become in Node: Express 5 with a raw body and the
// official SDK's constructEvent.
import express from 'express'
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js'
import { reportCpuOnExit } from './cpu.mjs'

const client = new ElevenLabsClient({ apiKey: 'not-used-offline' })
const app = express()
app.post('/webhook', express.raw({ type: 'application/json', limit: '64mb' }), async (req, res) => {
  try {
    const event = await client.webhooks.constructEvent(req.body.toString('utf8'), req.headers['elevenlabs-signature'], process.env.SECRET)
    if (event.type === 'post_call_transcription' || event.type === 'post_call_audio') {
      if (typeof event.data.conversation_id !== 'string') throw new Error('no conversation_id')
    }
    res.json({ success: true })
  } catch (err) {
    res.status(400).json({ error: err.message })
  }
})
// Requests cut off when the load generator stops are not worth a stack trace on stderr.
app.use((err, _req, res, _next) => { if (!res.headersSent) res.status(err.status ?? 500).end() })
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'))
reportCpuOnExit(server)
