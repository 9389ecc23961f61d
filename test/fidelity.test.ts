/**
 * Fidelity: every example delivery ElevenLabs publishes that we could find, and the SDK's wire
 * model of a conversation rebuilt as bodies, is verified and handled (200 `{"success":true}`, its
 * typed handler runs with the body's `data`). Bodies without an envelope (the SDKs' own test bodies,
 * the 2025 bare speech-to-text example) are verified too, answered 200 `{"success":false}`, reach
 * no handler, and are kept through `onInvalid` with their exact bytes.
 *
 * The bodies are in test/deliveries/, each sent byte for byte as stored. Where each comes from:
 *
 * DOCS@3557f0b = github.com/elevenlabs/elevenlabs-docs at 3557f0b1bec8 (2025-08-25, the last
 * commit of that repo); PC = https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks;
 * OT = https://elevenlabs.io/docs/eleven-agents/customization/opentelemetry-traces(.md).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { WebhookPayloadError, type EventType } from '../src/index.js'
import { build, signed } from './helpers.js'

interface Delivery {
  file: string
  source: string
}

/** Bodies with an envelope of a known type: handled. */
const events: Delivery[] = [
  {
    file: 'docs-post-call-transcription.json',
    source: 'DOCS@3557f0b fern/conversational-ai/pages/workflows/post-call-webhook.mdx, "Transcription webhook example" (the same on the live PC page)'
  },
  {
    file: 'docs-webhooks-transcription.json',
    source: 'DOCS@3557f0b fern/docs/pages/product-guides/administration/webhooks.mdx, "Example webhook payload" (no user_id)'
  },
  {
    file: 'docs-post-call-audio.json',
    source: 'DOCS@3557f0b post-call-webhook.mdx, "Audio webhook example" (its full_audio is a placeholder, not base64)'
  },
  {
    file: 'docs-migration-has-audio.json',
    source: 'PC migration notice (elevenlabs-docs 743e6224, 2025-07-21): its `data` fragment (ids, status, has_audio, has_user_audio, ' +
      'has_response_audio; "existing fields continue as before" left out) in the envelope of the transcription example'
  },
  {
    file: 'docs-call-initiation-failure-twilio.json',
    source: 'live PC page, "Twilio metadata example", as copied in patrickcarmichael/claude-docs ' +
      'docs/infrastructure/elevenlabs/chunked/15-client-to-server-events.md @ bcbf5962 (absent from DOCS@3557f0b)'
  },
  {
    file: 'docs-call-initiation-failure-sip-2025.json',
    source: 'live PC page, "SIP metadata example", the same copy (an earlier version: no from_number / to_number)'
  },
  {
    file: 'docs-call-initiation-failure-sip.json',
    source: 'live PC page, "SIP metadata example" with from_number / to_number, as copied on 2026-04-12 in rinka-ai/kb ' +
      'raw/articles/voice-ai/2026-04-12-post-call-webhooks.md @ 3af28452'
  },
  {
    file: 'docs-post-call-transcription-otel.json',
    source: 'OT, "Webhook payload" (read from stored verbatim copies of the page\'s .md version)'
  },
  {
    file: 'docs-post-call-transcription-otel-structure.json',
    source: 'OT, "Webhook payload" with the page\'s "OTLP JSON structure" document as its otlp_traces (the page says both surfaces share that layout)'
  },
  {
    file: 'docs-stt-transcription-2025.json',
    source: 'elevenlabs-docs cafadd0f (2025-08-25, an unmerged branch) speech-to-text/webhooks.mdx, "Webhook payload", made JSON: ' +
      'keys quoted, and its `webhook_metadata: { ... }` placeholder ("if provided") left out'
  },
  {
    file: 'sdk-conversation-every-field.json',
    source: '@elevenlabs/elevenlabs-js 2.73 serialization/types GetConversationResponseModel.Raw and every model it references, rebuilt ' +
      'with every field present (strings are the field\'s name, numbers 1, booleans true, enums their first value); arrays hold one ' +
      'element per variant of a union (tool results, tool call details, workflow steps), a single union its richest variant (SIP ' +
      'phone call); recursion is cut at the first repeat; otlp_traces (Record<string, unknown> in the SDK) is OT\'s OTLP example'
  },
  {
    file: 'sdk-conversation-nullable-null.json',
    source: 'the same model with every field the SDK types `| null` set to null (so every nullable object is null too)'
  },
  {
    file: 'sdk-conversation-nested-nulls.json',
    source: 'the same model with its nullable objects kept and every other nullable field null, so that nested nullables show'
  }
]

/** Verified bodies without an event envelope: kept through onInvalid. */
const notEvents: Delivery[] = [
  {
    file: 'sdk-python-test-body.json',
    source: 'elevenlabs/elevenlabs-python tests/test_webhooks.py @ 0ac5bc51: json.dumps({"event_type": "speech.completed", "id": "123456"})'
  },
  {
    file: 'sdk-js-test-body.json',
    source: 'elevenlabs/elevenlabs-js tests/custom/client.test.ts @ 396c6cfe: JSON.stringify({ eventType: "test_event", data: { id: "123" } })'
  },
  {
    file: 'sdk-js-test-body-2025.json',
    source: 'elevenlabs/elevenlabs-js tests/custom/client.test.ts @ 0a4b3f03: JSON.stringify({ event_type: "test_event", data: { id: "123" } })'
  },
  {
    file: 'docs-stt-bare-2025.json',
    source: 'DOCS@3557f0b fern/docs/pages/developer-guides/cookbooks/speech-to-text/webhooks.mdx, "Webhook payload": the bare transcription'
  }
]

function bytesOf (file: string): Buffer {
  return readFileSync(new URL(`./deliveries/${file}`, import.meta.url))
}

interface Body { type: EventType, data: unknown }

for (const { file, source } of events) {
  t.test(`handled: ${file}`, async t => {
    t.comment(source)
    const bytes = bytesOf(file)
    const body = JSON.parse(bytes.toString('utf8')) as Body
    const { app } = await build()
    t.teardown(() => app.close())
    const handled: unknown[] = []
    const invalid: unknown[] = []
    app.elevenlabs.on(body.type, (event) => { handled.push(event.data) })
    app.elevenlabs.onInvalid((event) => { invalid.push(event.error) })

    const res = await app.inject(signed(bytes))

    t.equal(res.statusCode, 200)
    t.same(res.json(), { success: true })
    t.same(handled, [body.data], `the ${body.type} handler ran once, with the body's data`)
    t.same(invalid, [], 'nothing was invalid')
  })
}

for (const { file, source } of notEvents) {
  t.test(`kept as invalid: ${file}`, async t => {
    t.comment(source)
    const bytes = bytesOf(file)
    const { app } = await build()
    t.teardown(() => app.close())
    const ran: string[] = []
    const kept: Array<{ error: unknown, type: string | undefined, rawBody: Buffer, hasRequest: boolean }> = []
    app.elevenlabs.onAny((event) => { ran.push(event.type) })
    app.elevenlabs.on(['post_call_transcription', 'speech_to_text_transcription'], (event) => { ran.push(event.type) })
    app.elevenlabs.onInvalid((invalid, request) => {
      kept.push({ error: invalid.error, type: invalid.type, rawBody: invalid.rawBody, hasRequest: typeof request.headers === 'object' })
    })

    const res = await app.inject(signed(bytes))

    t.equal(res.statusCode, 200, 'a verified body is never answered 4xx')
    t.same(res.json(), { success: false })
    t.same(ran, [], 'no handler ran')
    t.equal(kept.length, 1, 'onInvalid got it once')
    const [invalid] = kept
    t.type(invalid?.error, WebhookPayloadError)
    const error = invalid?.error as WebhookPayloadError
    t.equal(error.code, 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE')
    t.equal(error.path, '/type', 'the missing field is named')
    t.type(error.message, 'string')
    t.equal(invalid?.type, undefined, 'the body has no type')
    t.ok(Buffer.isBuffer(invalid?.rawBody) && invalid.rawBody.equals(bytes), 'rawBody is the exact bytes sent')
    t.ok(invalid?.hasRequest, 'the hook gets the request')
  })
}
