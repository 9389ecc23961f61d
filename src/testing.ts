/**
 * The test kit, at `fastify-elevenlabs-webhooks/testing`: sample events and one-line signed
 * `fastify.inject` deliveries, signing the exact bytes it sends.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Static } from '@sinclair/typebox'
import { generateSignatureHeader } from './signature.js'
import { fixtures, type EventFixtures } from './fixtures.js'
import type { EventSchemas, EventType } from './events/index.js'
import type { WebhookEvent } from './router.js'
import type { EventTimestamp } from './envelope.js'
import { DEFAULT_PATH } from './options.js'

export { fixtures, type EventFixtures }

export interface BuildEventOverrides<T extends EventType> {
  /** Fields merged over the sample's `data` (a shallow merge: give nested objects whole). */
  data?: Partial<Static<EventSchemas[T]>> | undefined
  /** Default: the sample's. */
  event_timestamp?: EventTimestamp | undefined
}

/** A fresh copy of the sample event of `type`, with `overrides` merged in. */
export function buildEvent<T extends EventType> (type: T, overrides: BuildEventOverrides<T> = {}): WebhookEvent<EventSchemas, T> {
  const sample = fixtures[type] as WebhookEvent<EventSchemas, T> | undefined
  if (sample === undefined) {
    throw new TypeError(`No sample event for "${String(type)}". Known types: ${Object.keys(fixtures).join(', ')}`)
  }
  const event = structuredClone(sample)
  if (overrides.data !== undefined) Object.assign(event.data as object, overrides.data)
  if (overrides.event_timestamp !== undefined) event.event_timestamp = overrides.event_timestamp
  return event
}

export interface SignedRequestOptions {
  /** The webhook's secret: the one the plugin was registered with. */
  secret: string
  /** The route's URL. Default `/webhook`. */
  path?: string | undefined
  /** The signature's timestamp, unix seconds. Default: now. */
  timestamp?: number | undefined
  /** Extra or replacement headers (set `content-type` to test a 415, for example). */
  headers?: Record<string, string> | undefined
}

/**
 * The `fastify.inject` options of a signed delivery of `event`: an object is serialized once,
 * a string or Buffer is sent as it is, and the signature covers exactly those bytes.
 */
export function signedRequest (event: object | string | Buffer, options: SignedRequestOptions): InjectOptions {
  const payload = typeof event === 'string' || Buffer.isBuffer(event) ? event : JSON.stringify(event)
  return {
    method: 'POST',
    url: options.path ?? DEFAULT_PATH,
    headers: {
      'content-type': 'application/json',
      'elevenlabs-signature': generateSignatureHeader({ payload, secret: options.secret, timestamp: options.timestamp }),
      ...options.headers
    },
    payload
  }
}

/** What injectEvent needs of an app: any Fastify instance, whatever its logger, server or type provider. */
export interface Injectable {
  inject (options: InjectOptions): PromiseLike<LightMyRequestResponse>
}

/** Delivers `event` to `app` as ElevenLabs would, signed, and returns the inject response. */
export async function injectEvent (app: Injectable, event: object | string | Buffer, options: SignedRequestOptions): Promise<LightMyRequestResponse> {
  return await app.inject(signedRequest(event, options))
}
