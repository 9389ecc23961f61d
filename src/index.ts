import elevenlabsWebhooks from './plugin.js'

export default elevenlabsWebhooks
export { elevenlabsWebhooks }
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_PATH,
  type AllEventSchemas,
  type CustomEventSchemas,
  type ElevenLabsWebhooks,
  type ElevenLabsWebhooksOptions
} from './plugin.js'
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
export { WebhookEnvelope } from './envelope.js'
export {
  ElevenLabsWebhookError,
  WebhookConfigError,
  WebhookHandlerError,
  WebhookPayloadError,
  WebhookVerificationError,
  PayloadErrorCodes,
  VerificationErrorCodes,
  type PayloadErrorCode,
  type VerificationErrorCode
} from './errors.js'
export type {
  DispatchResult,
  EventSchemaMap,
  UnknownWebhookEvent,
  WebhookEvent,
  WebhookHandler,
  WebhookRouter
} from './router.js'
export * from './events/index.js'
