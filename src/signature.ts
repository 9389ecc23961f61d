/**
 * ElevenLabs webhook signatures, framework-free.
 *
 * Header: `ElevenLabs-Signature: t=<unix seconds>,v0=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>`.
 * Compatible with every signature the official SDKs accept from ElevenLabs, stricter where they
 * are unsafe: constant-time comparison, every `v0` against every secret (rotation), a two-sided
 * tolerance, and no `t=abc`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createKeyedHmac, type KeyedHmac } from './hmac.js'
import { VerificationErrorCodes as Codes, WebhookVerificationError } from './errors.js'
import { parseEnvelope, type ParseOptions, type WebhookEnvelope } from './envelope.js'

/** ElevenLabs' own tolerance: a delivery older than 30 minutes is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 1800

/** `onProtoPoisoning` / `onConstructorPoisoning`: what `constructEvent` does with `__proto__` and `constructor.prototype` keys, as Fastify's options of those names (default 'error'). */
export interface VerifyOptions extends ParseOptions {
  /** Seconds a timestamp may be away from `now`, into the past or the future. Default 1800. */
  tolerance?: number | undefined
  /** The current time in unix seconds (fractions allowed). Default: the clock. For tests. */
  now?: number | undefined
}

export type WebhookSecret = string | readonly string[]

export interface ParsedSignatureHeader {
  /** `t` exactly as sent: the signed message starts with these characters. */
  timestamp: string
  /** Every `v0` value, in order. */
  signatures: string[]
}

const DIGITS = /^\d+$/
/** A decoded `v0`: verification is synchronous, so one buffer serves every call. */
const given = Buffer.alloc(32)
const HEX_SHA256 = /^[0-9a-f]{64}$/
/** `t=<unix seconds>,v0=<hex>` exactly: what parseSignatureHeader would accept, found in one step (15 digits stay safe integers). */
const USUAL_HEADER = /^t=(\d{1,15}),v0=([0-9a-f]{64})$/

/**
 * Bounds on a header, checked before any work on it: the header is unauthenticated, so without
 * them a header of 16 000 commas is split, trimmed and compared part by part on every request.
 * ElevenLabs sends about 80 characters (`t=` and 10 digits, one `v0=` and 64 hex, two parts).
 * 1 KiB holds `t` and 14 `v0`s (68 characters each with its comma): room for secret rotation
 * (Standard Webhooks sends one signature per active secret, usually two) and unknown `k=v`
 * parts. 16 parts is `t`, a few `v0`s and a few unknown parts; it also bounds the comparisons
 * at 15 `v0`s per secret, so no separate limit on `v0`s is needed. The USUAL_HEADER match before
 * them is anchored and reads at most 85 characters, so it needs no bound of its own.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 1024
export const MAX_SIGNATURE_HEADER_PARTS = 16

/** Splits a header into its `t` and `v0` parts. Unknown `k=v` parts are ignored, any order. */
export function parseSignatureHeader (header: string): ParsedSignatureHeader {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw new WebhookVerificationError(Codes.SIGNATURE_MALFORMED,
      `The ElevenLabs-Signature header is ${header.length} characters long; at most ${MAX_SIGNATURE_HEADER_LENGTH} are accepted (ElevenLabs sends about 80: "t=<unix seconds>,v0=<hex>").`)
  }
  // One piece past the limit is enough to know it was passed: split stops there.
  const parts = header.split(',', MAX_SIGNATURE_HEADER_PARTS + 1)
  if (parts.length > MAX_SIGNATURE_HEADER_PARTS) {
    throw new WebhookVerificationError(Codes.SIGNATURE_MALFORMED,
      `The ElevenLabs-Signature header has more than ${MAX_SIGNATURE_HEADER_PARTS} comma-separated parts; at most ${MAX_SIGNATURE_HEADER_PARTS} are accepted (ElevenLabs sends two: "t=" and "v0=").`)
  }
  let timestamp: string | undefined
  let timestampCount = 0
  const signatures: string[] = []
  for (const part of parts) {
    const item = part.trim()
    if (item.startsWith('t=')) {
      timestamp = item.slice(2)
      timestampCount++
    } else if (item.startsWith('v0=')) {
      signatures.push(item.slice(3))
    }
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(Codes.SIGNATURE_MALFORMED,
      'The ElevenLabs-Signature header must look like "t=<unix seconds>,v0=<hex>". Pass the header value unchanged.')
  }
  if (timestampCount > 1) {
    throw new WebhookVerificationError(Codes.SIGNATURE_MALFORMED,
      'The ElevenLabs-Signature header has more than one "t=" part; was the header sent twice?')
  }
  if (!DIGITS.test(timestamp) || !Number.isSafeInteger(Number(timestamp))) {
    throw new WebhookVerificationError(Codes.SIGNATURE_MALFORMED,
      `The signature timestamp must be a whole number of unix seconds, got "t=${timestamp.slice(0, 32)}".`)
  }
  return { timestamp, signatures }
}

/** Only a `v0` of 64 hex digits can match: any other is ignored, as the SDKs' comparison would never match it. */
function hexSignatures (header: ParsedSignatureHeader): ParsedSignatureHeader {
  return { timestamp: header.timestamp, signatures: header.signatures.filter((signature) => HEX_SHA256.test(signature)) }
}

function toKeys (secret: WebhookSecret | undefined): KeyedHmac[] {
  const list = typeof secret === 'string' ? [secret] : secret ?? []
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new WebhookVerificationError(Codes.SECRET_MISSING,
      'Pass the webhook secret from the ElevenLabs dashboard (a non-empty string, or a list of them while rotating).')
  }
  return list.map(createKeyedHmac)
}

/** Lower-case hex HMAC-SHA256 of `${timestamp}.${payload}`, the `v0` value ElevenLabs sends. */
export function computeSignature (payload: string | Buffer, secret: string, timestamp: number | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex')
}

export interface GenerateSignatureHeaderOptions {
  /** The exact body that will be sent. */
  payload: string | Buffer
  secret: string
  /** Unix seconds. Default: now. */
  timestamp?: number | undefined
}

/** Builds a valid `ElevenLabs-Signature` header value: for tests and tools. */
export function generateSignatureHeader ({ payload, secret, timestamp }: GenerateSignatureHeaderOptions): string {
  const t = timestamp ?? Math.floor(Date.now() / 1000)
  return `t=${t},v0=${computeSignature(payload, secret, t)}`
}

function assertHeaderPresent (sigHeader: string | undefined): asserts sigHeader is string {
  if (sigHeader === undefined || sigHeader === '') {
    throw new WebhookVerificationError(Codes.SIGNATURE_MISSING,
      'Read the header with request.headers[\'elevenlabs-signature\'] (Node lower-cases header names) and check that no proxy strips it.')
  }
}

export interface Verifier {
  /** Throws `WebhookVerificationError` unless `sigHeader` signs these exact bytes. */
  verify (rawBody: string | Buffer, sigHeader: string | undefined, options?: Pick<VerifyOptions, 'now'>): void
  /** `verify`, then parse and check the envelope (`WebhookPayloadError` if that fails). */
  constructEvent (rawBody: string | Buffer, sigHeader: string | undefined, options?: Pick<VerifyOptions, 'now'>): WebhookEnvelope
}

/**
 * Validates the secrets and tolerance once and returns a verifier for them: what a server wants,
 * so that a bad configuration fails at boot and each request does only the HMAC.
 */
export function createVerifier (secret: WebhookSecret | undefined, options: Omit<VerifyOptions, 'now'> = {}): Verifier {
  const keys = toKeys(secret)
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`tolerance must be a finite number of seconds >= 0, got ${tolerance}`)
  }

  function verify (rawBody: string | Buffer, sigHeader: string | undefined, opts: Pick<VerifyOptions, 'now'> = {}): void {
    assertHeaderPresent(sigHeader)
    // The header as ElevenLabs sends it takes one match, whose v0 is hex already; anything else
    // goes through the general parser, and only its hex v0s are kept.
    const usual = USUAL_HEADER.exec(sigHeader)
    const { timestamp, signatures } = usual === null ? hexSignatures(parseSignatureHeader(sigHeader)) : { timestamp: usual[1] as string, signatures: [usual[2] as string] }

    const now = opts.now ?? Date.now() / 1000
    const age = now - Number(timestamp)
    if (age > tolerance || -age > tolerance) {
      throw new WebhookVerificationError(Codes.TIMESTAMP_OUT_OF_TOLERANCE, age > 0
        ? `The signature is ${Math.round(age)}s old and the tolerance is ${tolerance}s: a replay, or a delivery held up too long. Check the server clock.`
        : timestamp.length > 11
          ? `The signature timestamp ${timestamp} is in milliseconds; ElevenLabs signs unix seconds.`
          : `The signature is dated ${Math.round(-age)}s in the future and the tolerance is ${tolerance}s. Check the server clock.`)
    }

    // One digest per secret, then every v0 against every digest, in constant time.
    const prefix = `${timestamp}.`
    const expected = keys.map((key) => key(prefix, rawBody))
    for (const signature of signatures) {
      given.write(signature, 'hex')
      for (const digest of expected) {
        if (timingSafeEqual(given, digest)) return
      }
    }
    throw new WebhookVerificationError(Codes.SIGNATURE_MISMATCH,
      'Verify over the raw request bytes, not re-serialized JSON, and use the secret of this webhook from the ElevenLabs dashboard.')
  }

  return {
    verify,
    constructEvent (rawBody, sigHeader, opts) {
      verify(rawBody, sigHeader, opts)
      return parseEnvelope(rawBody, options)
    }
  }
}

/**
 * Verifies a webhook and returns its parsed envelope. Synchronous and offline: no API key, no
 * network. Throws `WebhookVerificationError` (400) or, for a signed body that is not an event,
 * `WebhookPayloadError` (400). The body is parsed only after its signature holds.
 */
export function constructEvent (
  rawBody: string | Buffer,
  sigHeader: string | undefined,
  secret: WebhookSecret,
  options: VerifyOptions = {}
): WebhookEnvelope {
  // The SDKs report a missing header before a missing secret; so do we.
  assertHeaderPresent(sigHeader)
  return createVerifier(secret, options).constructEvent(rawBody, sigHeader, options)
}
