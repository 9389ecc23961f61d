/**
 * The typed event router behind `fastify.elevenlabs`: handlers per event type, validators
 * compiled once per schema, and dispatch of a verified envelope. Knows nothing of Fastify: the
 * second argument handlers get (`Ctx`) is whatever the caller passes, the request in the plugin,
 * a job's context in a queue worker. `createRouter()` makes one for both.
 */
import { Kind, type Static, type TSchema } from '@sinclair/typebox'
import type { TypeCheck } from '@sinclair/typebox/compiler'
import { PayloadErrorCodes, WebhookConfigError, WebhookHandlerError, WebhookPayloadError } from './errors.js'
import { checkEnvelope, parseEnvelope, type EventTimestamp, type WebhookEnvelope } from './envelope.js'
import { isThenable, type MaybePromise } from './async.js'
import { firstFailure } from './schema-errors.js'
import { compileEventSchema } from './validator.js'
import { eventIdOf } from './idempotency.js'
import { eventSchemas, type EventSchemas } from './events/index.js'

/** What the handlers of a router may log with: pino's methods, as the Fastify request's `log` has them. */
export interface WebhookLogger {
  error (obj: object, msg?: string): void
  warn (obj: object, msg?: string): void
  info (obj: object, msg?: string): void
}

/**
 * The least a handler's second argument carries, wherever it runs: the Fastify request
 * satisfies it, and so does a queue worker's job context. Type a handler module with it to use
 * it in both.
 */
export interface WebhookContext {
  log: WebhookLogger
}

/** Event type name → TypeBox schema of that event's `data`. */
export type EventSchemaMap<S> = { [K in keyof S]: TSchema }

/** The event a handler of `T` receives; a union of names gives a union that narrows on `type`. */
export type WebhookEvent<S extends EventSchemaMap<S>, T extends keyof S & string = keyof S & string> =
  T extends unknown
    ? { type: T, event_timestamp?: EventTimestamp, data: Static<S[T]> }
    : never

/** An event whose type this receiver has no schema for: only the envelope was checked. */
export interface UnknownWebhookEvent {
  type: string
  event_timestamp?: EventTimestamp | undefined
  data?: unknown
}

/**
 * A verified delivery that could not be processed: its body is not JSON, not an event envelope,
 * or its `data` fails the schema of its type. Nothing ran for it. Keep `rawBody` (the exact
 * bytes ElevenLabs signed) to process it once the cause is fixed.
 */
export interface InvalidWebhookEvent {
  /** What is wrong: `code`, `path` (JSON pointer) and `message`. */
  error: WebhookPayloadError
  /** The body's `type`, when it has one. */
  type: string | undefined
  /** The id that names the event (`conversation_id`…), when its type has one and the body carries it. */
  eventId: string | undefined
  /** The request body exactly as received and verified. */
  rawBody: Buffer
}

/** Hooks and handlers may return anything: a promise is awaited, any other value ignored. */
export type InvalidHandler<Ctx> = (invalid: InvalidWebhookEvent, context: Ctx) => unknown

export type WebhookHandler<E, Ctx> = (event: E, context: Ctx) => unknown

export type ErrorHandler<Ctx> = (error: WebhookHandlerError, context: Ctx) => unknown

export interface WebhookRouter<S extends EventSchemaMap<S>, Ctx> {
  /** Runs `handler` for events of `type` (or of any of the types), with `data` validated. Returns a function that removes it. */
  on<T extends keyof S & string>(type: T | readonly T[], handler: WebhookHandler<WebhookEvent<S, T>, Ctx>): () => void
  /** Removes a handler added with `on` for these types. */
  off<T extends keyof S & string>(type: T | readonly T[], handler: WebhookHandler<WebhookEvent<S, T>, Ctx>): void
  /** Runs `handler` for every verified event, known types (validated) and unknown ones alike. */
  onAny(handler: WebhookHandler<WebhookEvent<S> | UnknownWebhookEvent, Ctx>): () => void
  offAny(handler: WebhookHandler<WebhookEvent<S> | UnknownWebhookEvent, Ctx>): void
  /**
   * Runs `handler` when handlers of an event fail (also when they fail after the delivery was
   * acknowledged, see `ackTimeout`). An error thrown here is logged and goes no further.
   */
  onError(handler: ErrorHandler<Ctx>): () => void
  offError(handler: ErrorHandler<Ctx>): void
  /**
   * Runs `handler` for every verified delivery that could not be processed (not JSON, not an
   * envelope, `data` failing its schema): no other handler runs for it. Store `invalid.rawBody`
   * to process it later. The answer waits for these hooks.
   */
  onInvalid(handler: InvalidHandler<Ctx>): () => void
  offInvalid(handler: InvalidHandler<Ctx>): void
  /**
   * Adds a custom event type with its own schema. Returns the same router, typed with the new
   * event; keep using the returned value to get its types.
   */
  define<T extends string, D extends TSchema>(type: T extends keyof S ? never : T, schema: D): WebhookRouter<S & Record<T, D>, Ctx>
  /** The event types this router validates. */
  readonly eventTypes: readonly string[]
  /**
   * Validates and handles a stored or replayed event (the parsed envelope, or the raw body):
   * the `onInvalid` hooks and a rejection with the `WebhookPayloadError` if it is not a valid
   * event; its handlers otherwise, all settled, then the `onError` hooks and a rejection with the
   * `WebhookHandlerError` if any failed. No signature check and no duplicate check: the caller
   * has done both.
   */
  receive(event: WebhookEnvelope | Buffer | string, context: Ctx): Promise<void>
}

type AnyHandler<Ctx> = (event: never, context: Ctx) => unknown

export interface RouterInternals<S extends EventSchemaMap<S>, Ctx> {
  router: WebhookRouter<S, Ctx>
  /** `router.define` without the static checks, for schemas known only at run time. */
  addSchema (type: string, schema: TSchema): void
  /** Checks `data` against the type's schema (`WebhookPayloadError` if it fails). False for a type with no schema. */
  validate (envelope: WebhookEnvelope): boolean
  /**
   * Starts the event's handlers and the `onAny` ones, all at once; once all have settled, gives a
   * WebhookHandlerError or undefined. Synchronously when no handler returned a promise.
   */
  run (envelope: WebhookEnvelope, context: Ctx): MaybePromise<WebhookHandlerError | undefined>
  /** Passes a handler failure to every `onError` hook; resolves to what the hooks themselves threw. */
  reportError (error: WebhookHandlerError, context: Ctx): Promise<unknown[]>
  /** Passes an invalid delivery to every `onInvalid` hook; gives what they threw, synchronously when none returned a promise. */
  runInvalid (invalid: InvalidWebhookEvent, context: Ctx): MaybePromise<unknown[]>
  /** Whether any `onInvalid` hook is registered. */
  readonly keepsInvalid: boolean
}

/** What a delivery needs of the router, whatever its event map. */
export type EventRunner<Ctx> = Pick<RouterInternals<Record<string, TSchema>, Ctx>, 'validate' | 'run' | 'reportError' | 'runInvalid' | 'keepsInvalid'>

/**
 * Where a router made by `createRouter` keeps what the plugin and the queue worker need of it.
 * `Symbol.for`, so that a router made by the ESM build is recognised by the CommonJS one.
 */
export const ROUTER_INTERNALS = Symbol.for('fastify-elevenlabs-webhooks.router-internals')

export interface CreateRouterOptions {
  /** Your own event types: name → TypeBox schema of `data`. Redefining a built-in type is refused. */
  events?: Record<string, TSchema> | undefined
}

/**
 * A router of ElevenLabs events that knows nothing of HTTP: register handlers on it once, then
 * pass it to the plugin (`{ router }`) and to a queue worker, or call `receive` yourself.
 * `Ctx` is what handlers get beside the event; the plugin passes the Fastify request.
 */
export function createRouter<Ctx extends WebhookContext = WebhookContext> (options: CreateRouterOptions = {}): WebhookRouter<EventSchemas, Ctx> {
  const internals = buildRouter<EventSchemas, Ctx>(eventSchemas)
  // One by one, so that redefining a built-in type is refused rather than silently overriding it.
  for (const [type, schema] of Object.entries(options.events ?? {})) internals.addSchema(type, schema)
  return internals.router
}

/**
 * TypeBox 0.34 schemas only (the package's own `Type`). A `typebox` 1.x schema is JSON Schema with
 * a `~kind` of its own, and TypeBox 0.34 cannot compile it: say so at boot, not on the first event.
 */
function checkSchema (type: string, schema: TSchema): TSchema {
  if (typeof schema === 'object' && schema !== null) {
    if (Kind in schema) return schema
    if ('~kind' in schema) {
      throw new WebhookConfigError(`The schema of "${type}" was made with typebox 1.x, which this plugin does not compile. Make event schemas with the Type this package exports (TypeBox 0.34): import { Type } from 'fastify-elevenlabs-webhooks'`)
    }
  }
  throw new WebhookConfigError(`The schema of "${type}" is not a TypeBox schema: make it with the Type this package exports (import { Type } from 'fastify-elevenlabs-webhooks')`)
}

/** The internals of a router made by `createRouter` (undefined for anything else). */
export function routerInternals<Ctx> (router: unknown): RouterInternals<Record<string, TSchema>, Ctx> | undefined {
  return (router as { [ROUTER_INTERNALS]?: RouterInternals<Record<string, TSchema>, Ctx> } | null)?.[ROUTER_INTERNALS]
}

export function buildRouter<S extends EventSchemaMap<S>, Ctx> (schemas: S): RouterInternals<S, Ctx> {
  const validators = new Map<string, TypeCheck<TSchema>>()
  const handlers = new Map<string, Set<AnyHandler<Ctx>>>()
  const anyHandlers = new Set<AnyHandler<Ctx>>()
  const errorHandlers = new Set<ErrorHandler<Ctx>>()
  const invalidHandlers = new Set<InvalidHandler<Ctx>>()

  function addSchema (type: string, schema: TSchema): void {
    if (typeof type !== 'string' || type.length === 0) {
      throw new WebhookConfigError(`An event type must be a non-empty string, got ${JSON.stringify(type)}`)
    }
    if (validators.has(type)) {
      throw new WebhookConfigError(`The event type "${type}" is already defined; each type has one schema`)
    }
    validators.set(type, compileEventSchema(type, checkSchema(type, schema)))
  }
  for (const [type, schema] of Object.entries<TSchema>(schemas)) addSchema(type, schema)

  function typesOf (type: string | readonly string[]): readonly string[] {
    const types = typeof type === 'string' ? [type] : type
    for (const t of types) {
      if (!validators.has(t)) {
        throw new WebhookConfigError(`Unknown ElevenLabs webhook event type "${t}". Known types: ${[...validators.keys()].join(', ')}. Add your own with define(type, schema).`)
      }
    }
    return types
  }

  function off (type: string | readonly string[], handler: AnyHandler<Ctx>): void {
    for (const t of typesOf(type)) handlers.get(t)?.delete(handler)
  }

  // Typed loosely inside; the WebhookRouter<S, Ctx> interface is what users see.
  const router = {
    on (type: string | readonly string[], handler: AnyHandler<Ctx>) {
      assertFunction(handler)
      for (const t of typesOf(type)) {
        let set = handlers.get(t)
        if (set === undefined) handlers.set(t, set = new Set())
        set.add(handler)
      }
      return () => off(type, handler)
    },
    off,
    onAny: adder(anyHandlers),
    offAny: remover(anyHandlers),
    onError: adder(errorHandlers),
    offError: remover(errorHandlers),
    onInvalid: adder(invalidHandlers),
    offInvalid: remover(invalidHandlers),
    define (type: string, schema: TSchema): unknown {
      addSchema(type, schema)
      return router
    },
    get eventTypes () {
      return [...validators.keys()]
    },
    receive
  }

  function validate (envelope: WebhookEnvelope): boolean {
    const validator = validators.get(envelope.type)
    if (validator === undefined) return false
    if (validator.Check(envelope.data)) return true
    const failure = firstFailure(validator.Errors(envelope.data))
    const path = `/data${failure.path}`
    throw new WebhookPayloadError(PayloadErrorCodes.INVALID_DATA,
      `The "${envelope.type}" event is invalid: ${path} ${failure.message}`, path, envelope.type)
  }

  function run (envelope: WebhookEnvelope, context: Ctx): MaybePromise<WebhookHandlerError | undefined> {
    return callAll([handlers.get(envelope.type) ?? NONE, anyHandlers], envelope as never, context,
      (errors) => errors.length === 0 ? undefined : new WebhookHandlerError(envelope, errors, eventIdOf(envelope)))
  }

  async function reportError (error: WebhookHandlerError, context: Ctx): Promise<unknown[]> {
    return await callAll([errorHandlers], error, context, failuresOf)
  }

  function runInvalid (invalid: InvalidWebhookEvent, context: Ctx): MaybePromise<unknown[]> {
    return callAll([invalidHandlers], invalid, context, failuresOf)
  }

  /** Logs what a hook threw, through the context's logger when it has one. */
  function logHookFailures (failures: unknown[], context: Ctx, what: string, eventType: string | undefined): void {
    const log = (context as Partial<WebhookContext> | null | undefined)?.log
    for (const err of failures) log?.error({ err, eventType }, `An ElevenLabs webhook ${what} hook threw`)
  }

  async function receive (input: WebhookEnvelope | Buffer | string, context: Ctx): Promise<void> {
    const rawBody = typeof input === 'string' ? Buffer.from(input) : Buffer.isBuffer(input) ? input : undefined
    let event: WebhookEnvelope | undefined
    try {
      event = rawBody === undefined ? checkEnvelope(input) : parseEnvelope(rawBody)
      validate(event)
    } catch (err) {
      const error = err as WebhookPayloadError
      const invalid = { error, type: error.eventType, eventId: event === undefined ? undefined : eventIdOf(event), rawBody: rawBody ?? Buffer.from(JSON.stringify(input)) }
      logHookFailures(await runInvalid(invalid, context), context, 'onInvalid', error.eventType)
      throw error
    }
    const error = await run(event, context)
    if (error === undefined) return
    logHookFailures(await reportError(error, context), context, 'onError', event.type)
    throw error
  }

  const internals: RouterInternals<S, Ctx> = {
    router: router as unknown as WebhookRouter<S, Ctx>,
    addSchema,
    validate,
    run,
    reportError,
    runInvalid,
    get keepsInvalid () { return invalidHandlers.size > 0 }
  }
  Object.defineProperty(router, ROUTER_INTERNALS, { value: internals })
  return internals
}

const NONE: readonly never[] = []
const failuresOf = (failures: unknown[]): unknown[] => failures

/**
 * Starts every hook of `lists` at once with (`arg`, `context`) and hands what threw or rejected,
 * once all have settled, to `done`: synchronously when none returned a promise (sync handlers
 * cost no promise), after one `then` when one did (the usual single async handler).
 */
function callAll<A, C, R> (lists: ReadonlyArray<Iterable<(arg: A, context: C) => unknown>>, arg: A, context: C, done: (failures: unknown[]) => R): MaybePromise<R> {
  const failures: unknown[] = []
  let first: PromiseLike<unknown> | undefined
  let more: Array<PromiseLike<void>> | undefined
  const fail = (err: unknown): void => { failures.push(err) }
  for (const list of lists) {
    for (const hook of list) {
      try {
        const result = hook(arg, context)
        if (!isThenable(result)) continue
        if (first === undefined) first = result
        else (more ??= []).push(result.then(undefined, fail))
      } catch (err) {
        fail(err)
      }
    }
  }
  if (first === undefined) return done(failures)
  if (more === undefined) return first.then(() => done(failures), (err: unknown) => { fail(err); return done(failures) })
  more.push(first.then(undefined, fail))
  return Promise.all(more).then(() => done(failures))
}

/** `onAny`, `onError`, `onInvalid`: checks the hook, adds it to `set`, returns its remover. */
function adder<H> (set: Set<H>): (handler: H) => () => void {
  return (handler) => {
    assertFunction(handler)
    set.add(handler)
    return () => { set.delete(handler) }
  }
}

function remover<H> (set: Set<H>): (handler: H) => void {
  return (handler) => { set.delete(handler) }
}

function assertFunction (handler: unknown): void {
  if (typeof handler !== 'function') {
    throw new WebhookConfigError(`A webhook handler must be a function, got ${typeof handler}`)
  }
}
