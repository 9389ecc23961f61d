/**
 * Idempotency keys and options: which deliveries are "the same event". Retries from ElevenLabs
 * carry a new signature and the same body, so nothing here looks at the signature.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { WebhookEnvelope } from './envelope.js'
import type { IdempotencyStore } from './stores/store.js'

/**
 * ElevenLabs retries for about 40 minutes and a signature stays valid for 30 more: two hours
 * covers the last retry and its replays with room to spare.
 */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 2 * 60 * 60 * 1000
/** How long an unfinished claim blocks copies of its event before a retry may run it again. */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 5 * 60 * 1000
/** How long a store operation may take before it counts as failed. */
export const DEFAULT_STORE_TIMEOUT_MS = 2000

export type IdempotencyKeyFn = (event: WebhookEnvelope, rawBody: Buffer) => string | undefined

export interface IdempotencyOptions {
  /** Where claims live. Default: a `MemoryStore` of this plugin instance. */
  store?: IdempotencyStore | undefined
  /** How long a processed event is remembered, in ms. Default 2 hours. */
  ttl?: number | undefined
  /** How long a claim lasts while its handlers run, in ms. Default 5 minutes. */
  lease?: number | undefined
  /** How long a store call may take, in ms, before it counts as failed (see `retriedTypes`). Default 2000. */
  storeTimeout?: number | undefined
  /** The key of an event; return undefined to use the default. */
  key?: IdempotencyKeyFn | undefined
}

export interface ResolvedIdempotency {
  store: IdempotencyStore
  ttl: number
  lease: number
  storeTimeout: number
  key: (event: WebhookEnvelope, rawBody: Buffer) => string
}

/** The field that names each event uniquely, for the types that have one. A Map: event types are untrusted strings ("constructor", "__proto__"). */
const identifyingField = new Map<string, string>([
  ['post_call_transcription', 'conversation_id'],
  // Beside the OTLP traces, as in ElevenLabs' example (the OpenTelemetry traces page).
  ['post_call_transcription_otel', 'conversation_id'],
  ['post_call_audio', 'conversation_id'],
  ['call_initiation_failure', 'conversation_id'],
  ['speech_to_text_transcription', 'request_id'],
  ['audio.generated', 'audio_id'],
  ['voice.cloned', 'voice_id']
])

/** The id that names this event (a conversation, a request…), for the types that carry one; for logs and keys. */
export function eventIdOf (event: { type: string, data?: unknown }): string | undefined {
  const field = identifyingField.get(event.type)
  if (field === undefined || event.data === null || typeof event.data !== 'object') return undefined
  const id = (event.data as Record<string, unknown>)[field]
  return typeof id === 'string' && id !== '' ? id : undefined
}

/**
 * `type:id` for the types with an identifying field, else `type:sha256:<hash of the body>`:
 * the body is byte-for-byte the same in every retry of a delivery.
 */
export function defaultIdempotencyKey (event: WebhookEnvelope, rawBody: Buffer): string {
  // join() makes one flat string, where a template literal makes a chain of pieces: the in-memory
  // store keeps the key of every event it remembers, and a flat one is half the memory to keep
  // (and to copy, when the garbage collector moves it out of the young generation).
  const id = eventIdOf(event)
  if (id !== undefined) return [event.type, id].join(':')
  return [event.type, 'sha256', createHash('sha256').update(rawBody).digest('hex')].join(':')
}

// A claim token must differ from every other claim's, across every process sharing a store: a
// random prefix per process (each worker loads this module anew) and a counter are that, and
// cost less than a randomUUID() per claim. (A Node startup snapshot taken after loading this
// module would share one prefix between processes: none is known to do that.)
const tokenPrefix = `${randomUUID()}:`
let tokenCount = 0

export function newClaimToken (): string {
  return tokenPrefix + (tokenCount++).toString(36)
}
