import { isAscii } from 'node:buffer'
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import sjson from 'secure-json-parse'
import { PayloadErrorCodes, WebhookPayloadError } from './errors.js'
import { firstFailure } from './schema-errors.js'

/**
 * When the event happened. Every example ElevenLabs publishes, and every captured delivery,
 * sends whole unix seconds; one reference page types the field as a string. Both are accepted:
 * a number, or a string of digits or an ISO 8601 date. `eventTime()` reads either.
 */
export const EventTimestamp = Type.Union([
  Type.Number({ description: 'Unix seconds' }),
  Type.String({ pattern: '^(\\d+(\\.\\d+)?|\\d{4}-\\d{2}-\\d{2}([T ].*)?)$', description: 'Unix seconds as a string, or an ISO 8601 date' })
], { description: 'When the event happened: unix seconds (a number, as ElevenLabs sends it), or a string of them, or an ISO 8601 date' })

export type EventTimestamp = Static<typeof EventTimestamp>

/**
 * What every ElevenLabs webhook body shares. Only `type` is required (a test body may be
 * `{"type":"test","data":{}}`); `data` is checked against the event's own schema later, and only
 * for the types this receiver knows.
 */
export const WebhookEnvelope = Type.Object({
  type: Type.String({ minLength: 1, description: 'The event type, e.g. "post_call_transcription"' }),
  event_timestamp: Type.Optional(EventTimestamp),
  data: Type.Optional(Type.Unknown({ description: 'The event payload; its shape depends on `type`' }))
}, { title: 'ElevenLabs webhook envelope' })

export type WebhookEnvelope = Static<typeof WebhookEnvelope>

/** The event's `event_timestamp` as a Date, whichever form it came in; undefined without one. */
export function eventTime (event: { event_timestamp?: EventTimestamp }): Date | undefined {
  const value = event.event_timestamp
  if (value === undefined) return undefined
  if (typeof value === 'number') return new Date(value * 1000)
  return /^\d/.test(value) && !value.includes('-') ? new Date(Number(value) * 1000) : new Date(value)
}

const envelopeCheck = TypeCompiler.Compile(WebhookEnvelope)

/** What to do with a `__proto__` key / a `constructor.prototype` key: Fastify's own options, with its defaults. */
export type PoisoningAction = 'error' | 'remove' | 'ignore'

export interface ParseOptions {
  /** Default 'error', as Fastify's `onProtoPoisoning`. */
  onProtoPoisoning?: PoisoningAction | undefined
  /** Default 'error', as Fastify's `onConstructorPoisoning`. */
  onConstructorPoisoning?: PoisoningAction | undefined
}

/**
 * secure-json-parse looks for the keys in the text (two regular expressions over every byte), then
 * walks the parsed value only if they may be there; its `scan` walks the value at once. The text
 * search costs by the byte, the walk by the key: below this length the search is cheaper; above,
 * where the bodies are audio (megabytes of base64 in a handful of keys), the walk is.
 */
const SCAN_TEXT_MAX_LENGTH = 1024 * 1024

/**
 * True when the text cannot hold what secure-json-parse refuses or removes: a `__proto__` key, or
 * a `constructor` key whose object has a `prototype` key. Without a `\u` escape anywhere, either
 * is spelt literally, and both spellings hold "proto". Two short searches (each a scan for one
 * byte) instead of secure-json-parse's two regular expressions, its dearest step on an event;
 * a body that has an escape, or the word anywhere, goes the long way.
 */
function cannotHoldPoisonedKey (text: string): boolean {
  return !text.includes('\\u') && !text.includes('proto')
}

/** Below this many bytes a body is decoded as UTF-8 straight away: checking it first costs more than it saves. */
const ASCII_CHECK_MIN_LENGTH = 4096

/**
 * The text of a body as UTF-8. A body of ASCII bytes only (audio's base64, most transcripts: JSON
 * may escape everything else) reads the same in latin1, which is a copy of its bytes, where
 * decoding UTF-8 looks at each one; one SIMD pass tells which it is.
 */
export function bodyText (body: Buffer): string {
  return body.length >= ASCII_CHECK_MIN_LENGTH && isAscii(body) ? body.toString('latin1') : body.toString('utf8')
}

/** A JSON.parse message quotes the body; only its position is kept. */
function jsonFailure (err: unknown): string {
  const message = (err as Error).message
  if (message.startsWith('Object contains forbidden prototype property')) {
    return 'The webhook body holds a "__proto__" or "constructor.prototype" key, which this app refuses (Fastify\'s onProtoPoisoning / onConstructorPoisoning)'
  }
  const position = /position (\d+)/.exec(message)
  return position === null ? 'The webhook body is not valid JSON' : `The webhook body is not valid JSON (at character ${position[1]})`
}

/**
 * Parses a verified body and checks the envelope. Throws `WebhookPayloadError`, never a bare
 * SyntaxError. `__proto__` and `constructor.prototype` keys are handled as Fastify's own JSON
 * parser handles them (secure-json-parse, the same options). A byte-order mark is not JSON, as
 * for the official SDKs' `JSON.parse`.
 */
export function parseEnvelope (rawBody: string | Buffer, options: ParseOptions = {}): WebhookEnvelope {
  const text = typeof rawBody === 'string' ? rawBody : bodyText(rawBody)
  let value: unknown
  try {
    if (text.charCodeAt(0) === 0xFEFF) throw new SyntaxError('Unexpected token at position 0')
    const actions = { protoAction: options.onProtoPoisoning ?? 'error', constructorAction: options.onConstructorPoisoning ?? 'error' } as const
    if (actions.protoAction === 'ignore' && actions.constructorAction === 'ignore') {
      value = JSON.parse(text)
    } else if (text.length <= SCAN_TEXT_MAX_LENGTH) {
      value = cannotHoldPoisonedKey(text) ? JSON.parse(text) : sjson.parse(text, null, actions)
    } else {
      value = JSON.parse(text)
      if (value !== null && typeof value === 'object') sjson.scan(value as Record<string, unknown>, actions)
    }
  } catch (err) {
    throw new WebhookPayloadError(PayloadErrorCodes.INVALID_JSON, jsonFailure(err), '')
  }
  return checkEnvelope(value)
}

/** Checks that a parsed value is an event envelope: the value, typed, or a `WebhookPayloadError`. */
export function checkEnvelope (value: unknown): WebhookEnvelope {
  if (envelopeCheck.Check(value)) return value
  const failure = firstFailure(envelopeCheck.Errors(value))
  const type = (value as { type?: unknown } | null)?.type
  const path = failure.path === '' ? '/' : failure.path
  throw new WebhookPayloadError(PayloadErrorCodes.INVALID_ENVELOPE,
    `The webhook body is not an ElevenLabs event envelope: ${path} ${failure.message}`, path,
    typeof type === 'string' && type !== '' ? type : undefined)
}
