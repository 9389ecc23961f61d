import elevenlabsWebhooks from './plugin.js'

export default elevenlabsWebhooks
export { elevenlabsWebhooks }
export {
  type AllEventSchemas,
  type CustomEventSchemas,
  type ElevenLabsEvent,
  type ElevenLabsWebhooks
} from './plugin.js'
export {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_BODY_LIMIT,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_PATH,
  DEFAULT_RETRIED_TYPES,
  type ElevenLabsWebhooksOptions,
  type WebhookRouteOptions,
  type WebhookRouteSchema
} from './options.js'
export {
  constructEvent,
  createVerifier,
  computeSignature,
  generateSignatureHeader,
  parseSignatureHeader,
  DEFAULT_TOLERANCE_SECONDS,
  type GenerateSignatureHeaderOptions,
  type ParsedSignatureHeader,
  type Verifier,
  type VerifyOptions,
  type WebhookSecret
} from './signature.js'
export { EventTimestamp, eventTime, WebhookEnvelope, type ParseOptions, type PoisoningAction } from './envelope.js'
export {
  ElevenLabsWebhookError,
  WebhookConfigError,
  WebhookHandlerError,
  WebhookPayloadError,
  WebhookRetryableError,
  WebhookVerificationError,
  PayloadErrorCodes,
  type EventIdentity,
  VerificationErrorCodes,
  type PayloadErrorCode,
  type VerificationErrorCode
} from './errors.js'
export { createRouter, type CreateRouterOptions } from './router.js'
export type {
  ErrorHandler,
  EventSchemaMap,
  WebhookContext,
  WebhookLogger,
  InvalidHandler,
  InvalidWebhookEvent,
  UnknownWebhookEvent,
  WebhookEvent,
  WebhookHandler,
  WebhookRouter
} from './router.js'
export {
  defaultIdempotencyKey,
  eventIdOf,
  DEFAULT_IDEMPOTENCY_LEASE_MS,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  type IdempotencyKeyFn,
  type IdempotencyOptions
} from './idempotency.js'
export type { ClaimState, IdempotencyStore } from './stores/store.js'
export type { WebhookJobData, WebhookQueue } from './queue/job.js'
export { MemoryStore, type MemoryStoreOptions } from './stores/memory.js'
export { RedisStore, type RedisEvalClient, type RedisStoreOptions } from './stores/redis.js'
export * from './events/index.js'
// The TypeBox this package compiles schemas with, for custom events: no second install to match
// (pnpm does not hoist it), and no mix-up with an app's typebox 1.x.
export { Type, type Static, type TSchema } from '@sinclair/typebox'
