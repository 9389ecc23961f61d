/**
 * Fastify wiring only: options, the `elevenlabs` decorator, and one encapsulated POST route with
 * its own raw-body parser and verification preHandler. No crypto here (see signature.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import fastifyRawBody from 'fastify-raw-body'
import type { TSchema } from '@sinclair/typebox'
import { ElevenLabsWebhookError, WebhookConfigError, WebhookHandlerError, WebhookRetryableError, WebhookVerificationError } from './errors.js'
import { createVerifier } from './signature.js'
import { buildRouter, routerInternals, type EventSchemaMap, type WebhookEvent, type WebhookRouter } from './router.js'
import { eventSchemas, type EventSchemas } from './events/index.js'
import { parseEnvelope } from './envelope.js'
import { DEFAULT_IDEMPOTENCY_TTL_MS } from './idempotency.js'
import { readOptions, type ElevenLabsWebhooksOptions } from './options.js'
import { createDeliveryProcessor, type DeliveryOutcome } from './delivery.js'
import { isThenable } from './async.js'
import { createBodyParser } from './body-parser.js'
import { createHandOff } from './queue/enqueue.js'

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

const unsupportedMediaType = (): ElevenLabsWebhookError => new ElevenLabsWebhookError('ELEVENLABS_UNSUPPORTED_MEDIA_TYPE', 415,
  'ElevenLabs webhooks are JSON: the request must have Content-Type: application/json and a body')

const forbidden = (code: string, message: string): ElevenLabsWebhookError => new ElevenLabsWebhookError(code, 403, message)

const elevenlabsWebhooks: FastifyPluginAsync<ElevenLabsWebhooksOptions> = async (fastify, opts) => {
  const options = readOptions(opts)
  let verifier
  try {
    verifier = createVerifier(options.secret, { tolerance: options.tolerance })
  } catch (err) {
    throw new WebhookConfigError(`Invalid ElevenLabs webhook options: ${err instanceof WebhookVerificationError ? err.hint : (err as Error).message}`)
  }
  // A child context may shadow its parent's `elevenlabs` (a second webhook under `routes/` with
  // @fastify/autoload, the first at the root); two in one context cannot both be `fastify.elevenlabs`.
  if (Object.hasOwn(fastify, 'elevenlabs')) {
    throw new WebhookConfigError('This Fastify context has fastify.elevenlabs already: the plugin was registered twice in the same context. To receive a second ElevenLabs webhook, register it in a context of its own (a plugin of yours that is not wrapped in fastify-plugin, or app.register(async (scope) => { await scope.register(elevenlabsWebhooks, { path, secret }) })); its handlers then go on that context\'s fastify.elevenlabs')
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
    parse: (text) => parseEnvelope(text, parseOptions),
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

  // The route lives in a child context so that its body parser and raw-body hook touch no other route.
  const { config, schema, onRequest, preHandler, ...route } = options.routeOptions
  await fastify.register(async function elevenlabsWebhookRoute (scope: FastifyInstance) {
    // An app that already uses fastify-raw-body (for another provider's webhooks) keeps its own;
    // registering it twice in one lineage is refused by fastify-raw-body.
    const ownRawBody = !scope.hasPlugin('fastify-raw-body')
    if (ownRawBody) await scope.register(fastifyRawBody, { encoding: false, global: false, jsonContentTypes: [] })
    // Only JSON reaches this route (anything else: 415), and it is parsed after verification, not here.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('application/json', { bodyLimit: options.bodyLimit }, createBodyParser(options.bodyLimit, ownRawBody))

    scope.route({
      ...route,
      method: 'POST',
      url: options.path,
      bodyLimit: options.bodyLimit,
      config: { ...config, rawBody: true },
      // Out of the API docs unless asked for, as @fastify/cors does with its OPTIONS route.
      schema: { hide: true, ...schema },
      // close() waits for a delivery from its first byte (one still arriving when the app closes
      // may yet be acknowledged) until its response closes, which it does once, sent or cut off:
      // a client that leaves while its handlers run gets neither onResponse nor onRequestAbort.
      onRequest: [function holdElevenLabsDelivery (_request, reply, done) {
        processor.hold()
        reply.raw.on('close', processor.release)
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
        : []), ...hooks(onRequest)],
      preHandler: [function verifyElevenLabsSignature (request, _reply, done) {
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
      }, ...hooks(preHandler)],
      handler: function handleElevenLabsEvent (request: FastifyRequest, reply: FastifyReply) {
        let delivered
        try {
          delivered = processor.deliver(request.rawBody as Buffer, request, request.log)
        } catch (err) {
          return fail(request, reply, err)
        }
        // Answered from here rather than by handing Fastify the promise, which it would wrap in
        // one more of its own.
        if (isThenable(delivered)) {
          delivered.then((outcome) => { respond(request, reply, outcome) }, (err: unknown) => { fail(request, reply, err) })
          return
        }
        return respond(request, reply, delivered)
      }
    })
  }, { prefix: options.prefix })

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

/** A route option's hooks (one or a list) as a list, to go after the plugin's own. */
function hooks<H> (value: H | H[] | undefined): H[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
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
