/**
 * Every error a user of this package can meet: a stable `code`, a clear `message` and the HTTP
 * `statusCode` the plugin answers with. Fastify's error handler reads `statusCode` and `code`.
 */

/** Codes of the five signature failures, one per message of the official SDKs. */
export const VerificationErrorCodes = {
  SIGNATURE_MISSING: 'ELEVENLABS_SIGNATURE_MISSING',
  SECRET_MISSING: 'ELEVENLABS_SECRET_MISSING',
  SIGNATURE_MALFORMED: 'ELEVENLABS_SIGNATURE_MALFORMED',
  TIMESTAMP_OUT_OF_TOLERANCE: 'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE',
  SIGNATURE_MISMATCH: 'ELEVENLABS_SIGNATURE_MISMATCH'
} as const

export type VerificationErrorCode = typeof VerificationErrorCodes[keyof typeof VerificationErrorCodes]

/**
 * The messages are those of ElevenLabs' own SDKs, verbatim, so that code and log searches
 * written against them keep working.
 */
const verificationMessages: Record<VerificationErrorCode, string> = {
  ELEVENLABS_SIGNATURE_MISSING: 'Missing signature header',
  ELEVENLABS_SECRET_MISSING: 'Webhook secret not configured',
  ELEVENLABS_SIGNATURE_MALFORMED: 'No signature hash found with expected scheme v0',
  ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE: 'Timestamp outside the tolerance zone',
  ELEVENLABS_SIGNATURE_MISMATCH: 'Signature hash does not match the expected signature hash for payload'
}

/** Base class of this package's errors (WebhookHandlerError excepted: it is an AggregateError). */
export class ElevenLabsWebhookError extends Error {
  readonly code: string
  readonly statusCode: number

  constructor (code: string, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
  }
}

/**
 * The signature header does not prove that ElevenLabs sent these exact bytes. Status 400:
 * ElevenLabs does not retry it, and no retry of the same delivery could pass.
 */
export class WebhookVerificationError extends ElevenLabsWebhookError {
  declare readonly code: VerificationErrorCode
  /** How to fix it: for logs and developers, never sent in a response. */
  readonly hint: string

  constructor (code: VerificationErrorCode, hint: string) {
    super(code, 400, verificationMessages[code])
    this.hint = hint
  }

  /** The shape users of the official Python SDK know: `e.body.error`. */
  get body (): { error: string } {
    return { error: this.message }
  }
}

export const PayloadErrorCodes = {
  INVALID_JSON: 'ELEVENLABS_PAYLOAD_INVALID_JSON',
  INVALID_ENVELOPE: 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE',
  INVALID_DATA: 'ELEVENLABS_PAYLOAD_INVALID_DATA'
} as const

export type PayloadErrorCode = typeof PayloadErrorCodes[keyof typeof PayloadErrorCodes]

/**
 * The body is signed but is not an event this receiver can process: not JSON (or JSON with a
 * key the app refuses, see Fastify's `onProtoPoisoning`), an envelope of the wrong shape, or
 * `data` that fails its event's schema. `path` is the JSON pointer that failed, `eventType` the
 * body's `type` when it has one. The plugin answers such a verified event 200 and hands it to
 * `onInvalid` (400 only with `rejectInvalid`). Messages name paths and schema rules, never
 * values from the body.
 */
export class WebhookPayloadError extends ElevenLabsWebhookError {
  declare readonly code: PayloadErrorCode
  readonly path: string
  readonly eventType: string | undefined

  constructor (code: PayloadErrorCode, message: string, path: string, eventType?: string) {
    super(code, 400, message)
    this.path = path
    this.eventType = eventType
  }
}

/** What a handler failure says of its event in logs and serialised errors: never `data`. */
export interface EventIdentity {
  type: string
  event_timestamp?: number | string | undefined
  data?: unknown
}

/**
 * One or more handlers threw or rejected. An `AggregateError`: `errors` holds each handler's own
 * error; `eventType` and `eventId` (the event's identifying id, when its type has one) say which
 * event. `event`, the event itself, is there for `onError` hooks but not enumerable, so that
 * loggers and `JSON.stringify` never write a transcript or megabytes of audio. The response says
 * only that a handler failed; the errors go to the log and to `onError`.
 */
export class WebhookHandlerError extends AggregateError {
  readonly code = 'ELEVENLABS_HANDLER_FAILED'
  readonly statusCode = 500
  readonly eventType: string
  readonly eventId: string | undefined
  declare readonly event: EventIdentity

  constructor (event: EventIdentity, errors: unknown[], eventId?: string) {
    super(errors, `${errors.length === 1 ? 'A handler' : `${errors.length} handlers`} for the "${event.type}" webhook event failed; the error is in the server log`)
    this.name = 'WebhookHandlerError'
    this.eventType = event.type
    this.eventId = eventId
    Object.defineProperty(this, 'event', { value: event, enumerable: false })
  }
}

/**
 * The delivery cannot be processed now but a retry can: the answer is 429 or 503 with a
 * `Retry-After` header. Only for the types ElevenLabs retries (`retriedTypes`): elsewhere the
 * delivery is processed anyway. `retryAfter` is in seconds.
 */
export class WebhookRetryableError extends ElevenLabsWebhookError {
  readonly retryAfter: number

  constructor (code: 'ELEVENLABS_DELIVERY_IN_PROGRESS' | 'ELEVENLABS_STORE_UNAVAILABLE' | 'ELEVENLABS_QUEUE_UNAVAILABLE', statusCode: 429 | 503,
    message: string, retryAfter: number, options?: { cause?: unknown }) {
    super(code, statusCode, message, options)
    this.retryAfter = retryAfter
  }
}

/** The plugin was registered with options it cannot work with. Thrown at boot, never per request. */
export class WebhookConfigError extends ElevenLabsWebhookError {
  constructor (message: string) {
    super('ELEVENLABS_CONFIG_INVALID', 500, message)
  }
}
