import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { PayloadErrorCodes, WebhookPayloadError } from './errors.js'

/**
 * What every ElevenLabs webhook body shares. Only `type` is always there (the docs' own test
 * body is `{"type":"test","data":{}}`); `data` is checked against the event's own schema later,
 * and only for the types this receiver knows.
 */
export const WebhookEnvelope = Type.Object({
  type: Type.String({ minLength: 1, description: 'The event type, e.g. "post_call_transcription"' }),
  event_timestamp: Type.Optional(Type.Number({ description: 'When the event happened, in unix seconds' })),
  data: Type.Optional(Type.Unknown({ description: 'The event payload; its shape depends on `type`' }))
}, { title: 'ElevenLabs webhook envelope' })

export type WebhookEnvelope = Static<typeof WebhookEnvelope>

const envelopeCheck = TypeCompiler.Compile(WebhookEnvelope)

/** Parses a verified body and checks the envelope. Throws `WebhookPayloadError`, never a bare SyntaxError. */
export function parseEnvelope (rawBody: string | Buffer): WebhookEnvelope {
  let value: unknown
  try {
    value = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'))
  } catch (err) {
    throw new WebhookPayloadError(PayloadErrorCodes.INVALID_JSON,
      'The webhook body is not valid JSON', '', { cause: err })
  }
  if (envelopeCheck.Check(value)) return value
  // Check() failed, so Errors() yields at least one entry.
  const first = envelopeCheck.Errors(value).First()!
  const path = first.path === '' ? '/' : first.path
  throw new WebhookPayloadError(PayloadErrorCodes.INVALID_ENVELOPE,
    `The webhook body is not an ElevenLabs event envelope: ${path} ${first.message}`, path)
}
