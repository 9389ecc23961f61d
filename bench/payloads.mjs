// The three benchmark payloads. Each is a constant prefix plus a short varying suffix (the
// conversation_id, last in the body), so that every request is a distinct event while the load
// generator signs it cheaply (see sign.mjs).

function turns (count) {
  const out = []
  for (let i = 0; i < count; i++) {
    out.push({
      role: i % 2 === 0 ? 'agent' : 'user',
      message: i % 2 === 0 ? 'Thanks for calling. How can I help you with your order today?' : 'I would like to change the delivery address of order 4411.',
      time_in_call_secs: i * 4,
      tool_calls: [],
      tool_results: [],
      feedback: null,
      llm_override: null,
      conversation_turn_metrics: null
    })
  }
  return out
}

/** Bytes that look random but are the same in every process (the load generator builds its own copy). */
function seededBytes (length) {
  const out = Buffer.alloc(length)
  let x = 0x9e3779b9
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

function build (type, data, targetBytes) {
  const head = JSON.stringify({ type, event_timestamp: 1_700_000_000, data }).slice(0, -2)
  const prefix = `${head},"conversation_id":"conv_`
  return {
    name: null,
    type,
    prefix: Buffer.from(prefix),
    suffix: (n) => `${n.toString(36)}"}}`,
    bytes: targetBytes
  }
}

const metadata = { start_time_unix_secs: 1_700_000_000, call_duration_secs: 64, cost: 312, termination_reason: 'end_call tool was called.' }
const analysis = { call_successful: 'success', transcript_summary: 'The caller changed the delivery address of an order.', evaluation_criteria_results: {}, data_collection_results: {} }

export function payloads () {
  const small = build('post_call_transcription', { agent_id: 'agent_bench', status: 'done', user_id: null, transcript: turns(7), metadata, analysis, has_audio: true }, 2048)
  const medium = build('post_call_transcription', { agent_id: 'agent_bench', status: 'done', user_id: null, transcript: turns(230), metadata, analysis, has_audio: true }, 50 * 1024)
  const large = build('post_call_audio', { agent_id: 'agent_bench', full_audio: seededBytes(3 * 1024 * 1024).toString('base64') }, 4 * 1024 * 1024)
  return [
    { ...small, name: 'small' },
    { ...medium, name: 'medium' },
    { ...large, name: 'large' }
  ]
}
