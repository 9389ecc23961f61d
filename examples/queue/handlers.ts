/**
 * The handlers of the queue example, on a router of their own: the same module serves the
 * receiver (which registers it) and the worker (which runs it).
 */
import { createRouter } from '../../src/index.js'

export const router = createRouter()

router.on('voice.cloned', async (event, { log }) => {
  log.info({ voiceId: event.data.voice_id }, 'voice cloned')
})

router.on(['post_call_transcription', 'post_call_audio'], async (event, { log }) => {
  // A handler may run more than once (a retry, a worker that died mid-job): write upserts.
  log.info({ type: event.type, conversationId: event.data.conversation_id }, 'call event handled')
})
