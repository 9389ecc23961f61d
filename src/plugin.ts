/**
 * Fastify wiring only: options, the `elevenlabs` decorator, and one encapsulated POST route with
 * its own raw-body parser and verification preHandler. No crypto here (see signature.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import fastifyRawBody from 'fastify-raw-body'
import type { TSchema } from '@sinclair/typebox'
import { ElevenLabsWebhookError, WebhookConfigError, WebhookHandlerError, WebhookRetryableError, WebhookVerificationError } from './errors.js'
import { createVerifier, DEFAULT_TOLERANCE_SECONDS, type WebhookSecret } from './signature.js'
import { buildRouter, routerInternals, type EventSchemaMap, type WebhookContext, type WebhookEvent, type WebhookRouter } from './router.js'
import { eventSchemas, type EventSchemas } from './events/index.js'
import { parseEnvelope } from './envelope.js'
import { DEFAULT_IDEMPOTENCY_TTL_MS, resolveIdempotency, type IdempotencyOptions } from './idempotency.js'
import { createDeliveryProcessor, type DeliveryOutcome } from './delivery.js'
import { createSourceFilter } from './sources.js'
import { isThenable } from './async.js'
import { createBodyParser } from './body-parser.js'
import { createHandOff } from './queue/enqueue.js'
import type { WebhookQueue } from './queue/job.js'

/**
 * Add your own event types here by module augmentation to type `fastify.elevenlabs` with them
 * (and pass the same schemas in the `events` option):
 * `declare module 'fastify-elevenlabs-webhooks' { interface CustomEventSchemas { 'my.event': typeof MySchema } }`
 */
export interface CustomEventSchemas {}

export type AllEventSchemas = EventSchemas & CustomEventSchemas

/**
 * The event a handler of `T` gets, for handlers written in a module of their own:
 * `async function onTranscript (event: ElevenLabsEvent<'post_call_transcription'>) { … }`.
 * Your own event types (`CustomEventSchemas`) included.
 */
export type ElevenLabsEvent<T extends keyof AllEventSchemas & string = keyof AllEventSchemas & string> = WebhookEvent<AllEventSchemas, T>

/** The type of `fastify.elevenlabs`. */
export type ElevenLabsWebhooks<S extends EventSchemaMap<S> = AllEventSchemas> = WebhookRouter<S, FastifyRequest>

declare module 'fastify' {
  interface FastifyInstance {
    elevenlabs: ElevenLabsWebhooks
  }
}

/** 64 MiB: a `post_call_audio` body is the call's MP3 in base64, about 50 minutes at 128 kbit/s. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024
export const DEFAULT_PATH = '/webhook'
/**
 * ElevenLabs documents no deadline, only that a receiver should "quickly return HTTP 200"; HTTP
 * clients commonly give up after 30 s, and 25 s leaves room for the network.
 */
export const DEFAULT_ACK_TIMEOUT_MS = 25_000
/** How long `app.close()` waits for handlers still running. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000
/**
 * The types ElevenLabs retries when the webhook has retries turned on: transcripts, JSON or
 * OpenTelemetry, and nothing else (audio never).
 */
export const DEFAULT_RETRIED_TYPES: readonly string[] = Object.freeze(['post_call_transcription', 'post_call_transcription_otel'])

export interface ElevenLabsWebhooksOptions {
  /** The webhook's secret (a list while rotating). Default: `process.env.ELEVENLABS_WEBHOOK_SECRET`. */
  secret?: WebhookSecret
  /** The route's URL, under the prefix of the context the plugin is registered in. Default `/webhook`. */
  path?: string
  /** Seconds a signature timestamp may differ from the clock, either way. Default 1800 (ElevenLabs' own). */
  tolerance?: number
  /** Largest accepted body in bytes. Default 64 MiB, for `post_call_audio`. */
  bodyLimit?: number
  /** Your own event types: name → TypeBox schema of `data`. */
  events?: Record<string, TSchema>
  /**
   * A router made with `createRouter()`, whose handlers this route runs: then
   * `fastify.elevenlabs` is that router, and the same handlers can run in a queue worker.
   * Default: a router of this registration's own.
   */
  router?: WebhookRouter<EventSchemas, WebhookContext>
  /**
   * Queue mode: a BullMQ `Queue` you made. Each verified event becomes a job (its id made from the
   * idempotency key, so that copies are not queued twice) and is answered 200
   * `{"success":true,"queued":true}` once Redis has it; workers (`createWorker` from
   * `fastify-elevenlabs-webhooks/bullmq`) validate it and run the handlers. No handler runs in
   * the receiver. A queue that fails, or is slower than `idempotency.storeTimeout`, is answered 503.
   */
  queue?: WebhookQueue
  /**
   * The event types ElevenLabs retries for this webhook. Only for these is a failure a retry can
   * mend answered 5xx or 429 (a handler failure 500, a failed store 503, a copy in progress
   * 429); every other type is answered 200 whatever happens after verification, because a
   * non-200 answer is never retried there and counts toward disabling the webhook. Default
   * `['post_call_transcription', 'post_call_transcription_otel']`; `[]` if the webhook's
   * retries are off.
   */
  retriedTypes?: readonly string[]
  /**
   * Answer 400 to a verified body that is not a valid event (not JSON, not an envelope, `data`
   * failing its schema) instead of 200 `{"success":false}`. ElevenLabs never retries a 400 and
   * counts it toward disabling the webhook. `onInvalid` hooks run either way. Default false.
   */
  rejectInvalid?: boolean
  /**
   * Duplicate detection: `false` to turn it off, or options (store, ttl, lease, key). Default: on,
   * with an in-memory store.
   */
  idempotency?: false | IdempotencyOptions
  /**
   * Milliseconds to wait for handlers before answering 200 `{"success":true,"pending":true}` and
   * letting them finish in the background (a failure after that cannot make ElevenLabs retry).
   * `false` always waits. Default 25 000.
   */
  ackTimeout?: number | false
  /** Milliseconds `app.close()` waits for handlers still running. Default 30 000. */
  closeTimeout?: number
  /** Accept deliveries only from these IP addresses / CIDR ranges (403 otherwise). Off by default. */
  allowedSources?: readonly string[]
  /** Refuse deliveries that did not arrive over HTTPS (`request.protocol`; honours `trustProxy`) with 403. Default false. */
  requireHttps?: boolean
}

const unsupportedMediaType = (): ElevenLabsWebhookError => new ElevenLabsWebhookError('ELEVENLABS_UNSUPPORTED_MEDIA_TYPE', 415,
  'ElevenLabs webhooks are JSON: the request must have Content-Type: application/json and a body')

function positiveMs (name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new WebhookConfigError(`The \`${name}\` option must be a positive number of milliseconds, got ${value}`)
  }
  return value
}

function stringList (name: string, value: readonly string[]): ReadonlySet<string> {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new WebhookConfigError(`The \`${name}\` option must be a list of event type names, got ${JSON.stringify(value)}`)
  }
  return new Set(value)
}

function checkQueue (queue: WebhookQueue | undefined): WebhookQueue | undefined {
  if (queue !== undefined && (queue === null || typeof queue.add !== 'function' || typeof queue.getJobState !== 'function')) {
    throw new WebhookConfigError('The `queue` option must be a BullMQ Queue (new Queue(name, { connection }) from bullmq)')
  }
  return queue
}

function readOptions (opts: ElevenLabsWebhooksOptions) {
  if ('acknowledgeHandlerErrors' in opts) {
    throw new WebhookConfigError('The `acknowledgeHandlerErrors` option is gone: handler failures are answered 200 except for the types in `retriedTypes` (500 there, so that ElevenLabs retries). Pass `retriedTypes: []` to answer 200 for every type.')
  }
  const secret = opts.secret ?? process.env.ELEVENLABS_WEBHOOK_SECRET
  if (secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw new WebhookConfigError('No ElevenLabs webhook secret: pass the `secret` option or set ELEVENLABS_WEBHOOK_SECRET (the dashboard shows it when you create the webhook)')
  }
  const path = opts.path ?? DEFAULT_PATH
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new WebhookConfigError(`The \`path\` option must be a string starting with "/", got ${JSON.stringify(path)}`)
  }
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new WebhookConfigError(`The \`bodyLimit\` option must be a positive integer number of bytes, got ${bodyLimit}`)
  }
  const ackTimeout = opts.ackTimeout ?? DEFAULT_ACK_TIMEOUT_MS
  return {
    secret,
    path,
    bodyLimit,
    tolerance: opts.tolerance ?? DEFAULT_TOLERANCE_SECONDS,
    events: opts.events ?? {},
    retriedTypes: stringList('retriedTypes', opts.retriedTypes ?? DEFAULT_RETRIED_TYPES),
    rejectInvalid: opts.rejectInvalid ?? false,
    idempotency: resolveIdempotency(opts.idempotency),
    ackTimeout: ackTimeout === false ? false as const : positiveMs('ackTimeout', ackTimeout),
    closeTimeout: positiveMs('closeTimeout', opts.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS),
    isAllowedSource: opts.allowedSources === undefined ? undefined : createSourceFilter(opts.allowedSources),
    requireHttps: opts.requireHttps ?? false,
    queue: checkQueue(opts.queue)
  }
}

const forbidden = (code: string, message: string): ElevenLabsWebhookError => new ElevenLabsWebhookError(code, 403, message)

const elevenlabsWebhooks: FastifyPluginAsync<ElevenLabsWebhooksOptions> = async (fastify, opts) => {
  const options = readOptions(opts)
  let verifier
  try {
    verifier = createVerifier(options.secret, { tolerance: options.tolerance })
  } catch (err) {
    throw new WebhookConfigError(`Invalid ElevenLabs webhook options: ${err instanceof WebhookVerificationError ? err.hint : (err as Error).message}`)
  }
  if (fastify.hasDecorator('elevenlabs')) {
    throw new WebhookConfigError('fastify.elevenlabs already exists here. To receive a second ElevenLabs webhook, register the plugin again inside its own encapsulated context: app.register(async (scope) => { await scope.register(elevenlabsWebhooks, { path, secret }) })')
  }

  const internals = opts.router === undefined
    ? buildRouter<Record<string, TSchema>, FastifyRequest>(eventSchemas)
    : routerInternals<FastifyRequest>(opts.router)
  if (internals === undefined) {
    throw new WebhookConfigError('The `router` option must be a router made by createRouter() from fastify-elevenlabs-webhooks')
  }
  // One by one, so that redefining a built-in type is refused rather than silently overriding it.
  for (const [type, schema] of Object.entries(options.events)) internals.addSchema(type, schema)
  fastify.decorate('elevenlabs', internals.router as unknown as ElevenLabsWebhooks)

  // The app's own rules for `__proto__` and `constructor` keys, as its JSON routes apply them.
  const parseOptions = {
    onProtoPoisoning: fastify.initialConfig.onProtoPoisoning,
    onConstructorPoisoning: fastify.initialConfig.onConstructorPoisoning
  }
  const processor = createDeliveryProcessor<FastifyRequest>({
    router: internals,
    idempotency: options.idempotency,
    ackTimeout: options.ackTimeout,
    isRetried: (type) => options.retriedTypes.has(type),
    parse: (rawBody) => parseEnvelope(rawBody, parseOptions),
    handOff: options.queue === undefined ? undefined : createHandOff(options.queue, options.idempotency?.ttl ?? DEFAULT_IDEMPOTENCY_TTL_MS)
  })
  // A deploy must not lose what was acknowledged: close waits for running handlers, bounded,
  // before any onClose hook runs (those run in reverse order: an app's `redis.quit()` added
  // after this plugin would otherwise close the store under handlers still running).
  fastify.addHook('preClose', async function drainElevenLabsWebhooks () {
    // Fastify stops listening right after preClose; doing it now means that while this waits,
    // new connections are refused (a load balancer moves on) instead of being answered 503.
    if (fastify.server.listening) fastify.server.close()
    if (!await processor.drain(options.closeTimeout)) {
      fastify.log.error({ running: processor.running }, `ElevenLabs webhook handlers still running after closeTimeout (${options.closeTimeout} ms); closing anyway`)
    }
  })

  const held = new WeakMap<FastifyRequest, () => void>()
  // Called on response and on abort, maybe both: releasing twice is harmless.
  const release = (request: FastifyRequest): void => { held.get(request)?.() }

  // The route lives in a child context so that its body parser and raw-body hook touch no other route.
  await fastify.register(async function elevenlabsWebhookRoute (scope: FastifyInstance) {
    // An app that already uses fastify-raw-body (for another provider's webhooks) keeps its own;
    // registering it twice in one lineage is refused by fastify-raw-body.
    const ownRawBody = !scope.hasPlugin('fastify-raw-body')
    if (ownRawBody) await scope.register(fastifyRawBody, { encoding: false, global: false, jsonContentTypes: [] })
    // Only JSON reaches this route (anything else: 415), and it is parsed after verification, not here.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', { bodyLimit: options.bodyLimit }, createBodyParser(options.bodyLimit, ownRawBody))

    scope.route({
      method: 'POST',
      url: options.path,
      bodyLimit: options.bodyLimit,
      config: { rawBody: true },
      // close() waits for a delivery from its first byte: one still arriving when the app
      // closes may yet be acknowledged and go on in the background.
      onRequest: [function holdElevenLabsDelivery (request, _reply, done) {
        held.set(request, processor.hold())
        done()
      // Before the body is read: a refused source costs no buffering. Only when asked for.
      }, ...(options.requireHttps || options.isAllowedSource !== undefined
        ? [function checkElevenLabsSource (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
            if (options.requireHttps && request.protocol !== 'https') {
              return done(forbidden('ELEVENLABS_HTTPS_REQUIRED', 'ElevenLabs webhooks are accepted over HTTPS only'))
            }
            if (options.isAllowedSource !== undefined && !options.isAllowedSource(request.ip)) {
              return done(forbidden('ELEVENLABS_SOURCE_NOT_ALLOWED', 'This address may not deliver ElevenLabs webhooks here'))
            }
            done()
          }]
        : [])],
      onResponse: function releaseElevenLabsDelivery (request, _reply, done) {
        release(request)
        done()
      },
      onRequestAbort: function abortElevenLabsDelivery (request, done) {
        release(request)
        done()
      },
      preHandler: function verifyElevenLabsSignature (request, _reply, done) {
        // The body parser's Buffer: the very bytes of this request's body stream.
        const bytes = request.body
        if (!Buffer.isBuffer(bytes)) return done(unsupportedMediaType())
        // Node joins a repeated header into one string (only set-cookie stays a list), so a header
        // sent twice arrives as "t=…,v0=…, t=…,v0=…" and is refused for its two timestamps.
        const header = request.headers['elevenlabs-signature'] as string | undefined
        try {
          verifier.verify(bytes, header)
        } catch (err) {
          return done(ownError(err, request))
        }
        request.rawBody = bytes
        done()
      },
      handler: function handleElevenLabsEvent (request: FastifyRequest, reply: FastifyReply) {
        let delivered
        try {
          delivered = processor.deliver(request.rawBody as Buffer, request, request.log)
        } catch (err) {
          return fail(request, reply, err)
        }
        if (isThenable(delivered)) return delivered.then((outcome) => respond(request, reply, outcome), (err) => fail(request, reply, err))
        return respond(request, reply, delivered)
      }
    })
  })

  function respond (request: FastifyRequest, reply: FastifyReply, outcome: DeliveryOutcome): FastifyReply {
    switch (outcome.status) {
      case 'handled':
        return json(reply, 200, SUCCESS)
      case 'duplicate':
        return json(reply, 200, outcome.inProgress ? IN_PROGRESS : DUPLICATE)
      case 'accepted':
        return json(reply, 200, PENDING)
      case 'queued':
        return json(reply, 200, QUEUED)
      case 'failed':
        // The handlers' errors are logged and reported to onError already; the response carries none of them.
        return outcome.retry ? reply.send(outcome.error) : json(reply, 200, NOT_PROCESSED)
      case 'invalid':
        if (outcome.retry) return reply.send(notKept())
        return options.rejectInvalid ? reply.send(outcome.error) : json(reply, 200, NOT_PROCESSED)
    }
  }
}

// Answers are constant: serialized once, here.
const SUCCESS = '{"success":true}'
const DUPLICATE = '{"success":true,"duplicate":true}'
const IN_PROGRESS = '{"success":true,"duplicate":true,"pending":true}'
const PENDING = '{"success":true,"pending":true}'
const QUEUED = '{"success":true,"queued":true}'
const NOT_PROCESSED = '{"success":false}'

const notKept = (): ElevenLabsWebhookError => new ElevenLabsWebhookError('ELEVENLABS_INVALID_EVENT_NOT_KEPT', 500,
  'The event is invalid and the hook that keeps invalid events failed; the error is in the server log')

function json (reply: FastifyReply, statusCode: number, body: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body)
}

/**
 * This package's errors as they are; anything else (a bug, a throwing `idempotency.key`) becomes
 * a coded 500 whose message says nothing of the cause, which goes to the log.
 */
function ownError (err: unknown, request: FastifyRequest): Error {
  if (err instanceof ElevenLabsWebhookError || err instanceof WebhookHandlerError) return err
  request.log.error({ err }, 'The ElevenLabs webhook receiver failed unexpectedly')
  return new ElevenLabsWebhookError('ELEVENLABS_INTERNAL_ERROR', 500,
    'The webhook receiver failed unexpectedly; the error is in the server log', { cause: err })
}

/** Errors go through Fastify's error handler; a retryable one tells ElevenLabs when to come back. */
function fail (request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof WebhookRetryableError) reply.header('retry-after', String(err.retryAfter))
  return reply.send(ownError(err, request))
}

export default fp(elevenlabsWebhooks, {
  name: 'fastify-elevenlabs-webhooks',
  fastify: '5.x'
})
