/**
 * The plugin's options, their defaults and their checks. No Fastify at run time (only its types):
 * the CLI and the testing kit read the defaults here, and Fastify is a peer the CLI does without.
 */
import type { RouteShorthandOptions } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { WebhookConfigError } from './errors.js'
import { DEFAULT_TOLERANCE_SECONDS, type WebhookSecret } from './signature.js'
import type { WebhookContext, WebhookRouter } from './router.js'
import type { EventSchemas } from './events/index.js'
import {
  DEFAULT_IDEMPOTENCY_LEASE_MS,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  defaultIdempotencyKey,
  type IdempotencyOptions,
  type ResolvedIdempotency
} from './idempotency.js'
import { MemoryStore } from './stores/memory.js'
import { createSourceFilter } from './sources.js'
import type { WebhookQueue } from './queue/job.js'

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
  secret?: WebhookSecret | undefined
  /** The route's URL, under the prefix of the context the plugin is registered in. Default `/webhook`. */
  path?: string | undefined
  /** Seconds a signature timestamp may differ from the clock, either way. Default 1800 (ElevenLabs' own). */
  tolerance?: number | undefined
  /** Largest accepted body in bytes. Default 64 MiB, for `post_call_audio`. */
  bodyLimit?: number | undefined
  /** Your own event types: name → TypeBox schema of `data`. */
  events?: Record<string, TSchema> | undefined
  /**
   * A router made with `createRouter()`, whose handlers this route runs: then
   * `fastify.elevenlabs` is that router, and the same handlers can run in a queue worker.
   * Default: a router of this registration's own.
   */
  router?: WebhookRouter<EventSchemas, WebhookContext> | undefined
  /**
   * Queue mode: a BullMQ `Queue` you made. Each verified event becomes a job (its id made from the
   * idempotency key, so that copies are not queued twice) and is answered 200
   * `{"success":true,"queued":true}` once Redis has it; workers (`createWorker` from
   * `fastify-elevenlabs-webhooks/bullmq`) validate it and run the handlers. No handler runs in
   * the receiver. A queue that fails, or is slower than `idempotency.storeTimeout`, is answered 503.
   */
  queue?: WebhookQueue | undefined
  /**
   * The event types ElevenLabs retries for this webhook. Only for these is a failure a retry can
   * mend answered 5xx or 429 (a handler failure 500, a failed store 503, a copy in progress
   * 429); every other type is answered 200 whatever happens after verification, because a
   * non-200 answer is never retried there and counts toward disabling the webhook. Default
   * `['post_call_transcription', 'post_call_transcription_otel']`; `[]` if the webhook's
   * retries are off.
   */
  retriedTypes?: readonly string[] | undefined
  /**
   * Answer 400 to a verified body that is not a valid event (not JSON, not an envelope, `data`
   * failing its schema) instead of 200 `{"success":false}`. ElevenLabs never retries a 400 and
   * counts it toward disabling the webhook. `onInvalid` hooks run either way. Default false.
   */
  rejectInvalid?: boolean | undefined
  /**
   * Duplicate detection: `false` to turn it off, or options (store, ttl, lease, key). Default: on,
   * with an in-memory store.
   */
  idempotency?: false | IdempotencyOptions | undefined
  /**
   * Milliseconds to wait for handlers before answering 200 `{"success":true,"pending":true}` and
   * letting them finish in the background (a failure after that cannot make ElevenLabs retry).
   * `false` always waits. Default 25 000.
   */
  ackTimeout?: number | false | undefined
  /** Milliseconds `app.close()` waits for handlers still running. Default 30 000. */
  closeTimeout?: number | undefined
  /** Accept deliveries only from these IP addresses / CIDR ranges (403 otherwise). Off by default. */
  allowedSources?: readonly string[] | undefined
  /** Refuse deliveries that did not arrive over HTTPS (`request.protocol`; honours `trustProxy`) with 403. Default false. */
  requireHttps?: boolean | undefined
  /**
   * A prefix for the route, as Fastify's own `register(plugin, { prefix })`: `/api` serves
   * `/api/webhook`. Typed as Fastify types its own `prefix` (no `undefined`).
   */
  prefix?: string
  /**
   * Fastify route options for the webhook route: `config` (e.g. `{ rateLimit: false }` or your
   * auth hook's flag), `logLevel`, `logSerializers`, `constraints`, `errorHandler`, `schema`
   * (documentation fields: the route is `hide: true` for `@fastify/swagger` unless you say
   * otherwise) and hooks. Your hooks run after the plugin's own of the same stage, so a
   * `preHandler` of yours sees a verified request. Not `preParsing`, nor `schema.body`,
   * `querystring`, `params` or `headers`: they would act on the body before its signature is checked.
   */
  routeOptions?: WebhookRouteOptions | undefined
}

/** The Fastify route options `routeOptions` passes to the route as they are (`schema` is merged). */
const PASSED_ROUTE_OPTIONS = ['config', 'logLevel', 'logSerializers', 'constraints', 'errorHandler', 'onRequest',
  'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onTimeout', 'onError', 'onRequestAbort'] as const
const ROUTE_OPTIONS: ReadonlySet<string> = new Set([...PASSED_ROUTE_OPTIONS, 'schema'])

/** Every "milliseconds" option, checked one way. */
export function positiveMs (name: string, value: number): number {
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
  if (queue !== undefined && (queue === null || typeof queue.add !== 'function' || typeof queue.getJob !== 'function')) {
    throw new WebhookConfigError('The `queue` option must be a BullMQ Queue (new Queue(name, { connection }) from bullmq)')
  }
  return queue
}

/** `path` and `prefix`: URL paths, as Fastify takes them. */
function urlPath<T extends string | undefined> (name: string, value: T): T {
  if (value !== undefined && (typeof value !== 'string' || !value.startsWith('/'))) {
    throw new WebhookConfigError(`The \`${name}\` option must be a string starting with "/", got ${JSON.stringify(value)}`)
  }
  return value
}

function checkRouteOptions (route: WebhookRouteOptions | undefined): WebhookRouteOptions {
  if (route === undefined) return {}
  if (route === null || typeof route !== 'object') {
    throw new WebhookConfigError('The `routeOptions` option must be an object of Fastify route options')
  }
  for (const name of Object.keys(route)) {
    if (name === 'preParsing') {
      throw new WebhookConfigError('`routeOptions.preParsing` is not supported: it would change the body before its signature is checked')
    }
    if (!ROUTE_OPTIONS.has(name)) {
      throw new WebhookConfigError(`\`routeOptions.${name}\` is not supported: the plugin sets the webhook route's method, URL, body parsing and limit itself (see the \`path\`, \`prefix\` and \`bodyLimit\` options); it takes ${[...ROUTE_OPTIONS].join(', ')}`)
    }
  }
  const validating = VALIDATING_SCHEMA_KEYS.find((key) => route.schema?.[key] !== undefined)
  if (validating !== undefined) {
    throw new WebhookConfigError(`\`routeOptions.schema.${validating}\` is not supported: it would validate the request before its signature is checked; the event's own schema is checked after (see the \`events\` option)`)
  }
  return route
}

export function resolveIdempotency (options: false | IdempotencyOptions | undefined): ResolvedIdempotency | undefined {
  if (options === false) return undefined
  const { store = new MemoryStore(), key } = options ?? {}
  if (typeof store.claim !== 'function' || typeof store.complete !== 'function' || typeof store.release !== 'function') {
    throw new WebhookConfigError('idempotency.store must implement claim, complete and release (see IdempotencyStore)')
  }
  return {
    store,
    ttl: positiveMs('idempotency.ttl', options?.ttl ?? DEFAULT_IDEMPOTENCY_TTL_MS),
    lease: positiveMs('idempotency.lease', options?.lease ?? DEFAULT_IDEMPOTENCY_LEASE_MS),
    storeTimeout: positiveMs('idempotency.storeTimeout', options?.storeTimeout ?? DEFAULT_STORE_TIMEOUT_MS),
    key: key === undefined
      ? defaultIdempotencyKey
      : (event, rawBody) => key(event, rawBody) ?? defaultIdempotencyKey(event, rawBody)
  }
}

export type ResolvedOptions = ReturnType<typeof readOptions>

export function readOptions (opts: ElevenLabsWebhooksOptions) {
  if ('acknowledgeHandlerErrors' in opts) {
    throw new WebhookConfigError('The `acknowledgeHandlerErrors` option is gone: handler failures are answered 200 except for the types in `retriedTypes` (500 there, so that ElevenLabs retries). Pass `retriedTypes: []` to answer 200 for every type.')
  }
  const secret = opts.secret ?? process.env.ELEVENLABS_WEBHOOK_SECRET
  if (secret === undefined || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw new WebhookConfigError('No ElevenLabs webhook secret: pass the `secret` option or set ELEVENLABS_WEBHOOK_SECRET (the dashboard shows it when you create the webhook)')
  }
  const path = urlPath('path', opts.path ?? DEFAULT_PATH)
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
    queue: checkQueue(opts.queue),
    prefix: urlPath('prefix', opts.prefix),
    routeOptions: checkRouteOptions(opts.routeOptions)
  }
}

/** The Fastify route options the webhook route takes from you (see the `routeOptions` option). */
export interface WebhookRouteOptions extends Pick<RouteShorthandOptions, (typeof PASSED_ROUTE_OPTIONS)[number]> {
  /** Documentation only (`hide`, `tags`, `summary`, `description`, `operationId`, `security`…). */
  schema?: WebhookRouteSchema | undefined
}

/** A route schema without the parts that validate the request. */
export type WebhookRouteSchema = Omit<NonNullable<RouteShorthandOptions['schema']>, 'body' | 'querystring' | 'params' | 'headers'> &
  Record<string, unknown> & { body?: never, querystring?: never, params?: never, headers?: never }

const VALIDATING_SCHEMA_KEYS = ['body', 'querystring', 'params', 'headers']
