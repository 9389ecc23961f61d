import t, { type Test } from 'tap'
import { webcrypto } from 'node:crypto'
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js'
import {
  computeSignature,
  constructEvent,
  createVerifier,
  generateSignatureHeader,
  MAX_SIGNATURE_HEADER_LENGTH,
  MAX_SIGNATURE_HEADER_PARTS,
  parseSignatureHeader
} from '../src/signature.js'
import { ElevenLabsWebhookError, WebhookPayloadError, WebhookVerificationError } from '../src/errors.js'

const secret = 'wsec_test_secret'
const body = '{"type":"voice.cloned","event_timestamp":1700000000,"data":{"voice_id":"v1"}}'
const now = 1_700_000_000

function header (payload: string | Buffer = body, timestamp = now, key = secret): string {
  return generateSignatureHeader({ payload, secret: key, timestamp })
}

function rejects (t: Test, fn: () => unknown, code: string, message: string): WebhookVerificationError {
  let caught: unknown
  try { fn() } catch (err) { caught = err }
  t.type(caught, WebhookVerificationError)
  const err = caught as WebhookVerificationError
  t.equal(err.code, code)
  t.equal(err.message, message)
  t.equal(err.statusCode, 400)
  t.same(err.body, { error: message })
  return err
}

t.test('computeSignature matches an independent HMAC-SHA256 (Python hmac) known answer', async (t) => {
  t.equal(computeSignature('{"type":"test","data":{}}', 'test_secret', 1700000000),
    '1010b611d69790383457c78ef6bcd47a01ff5495c0694d0a2782eb86a5bd9efb')
  t.equal(header('{"type":"test","data":{}}', 1700000000, 'test_secret'),
    't=1700000000,v0=1010b611d69790383457c78ef6bcd47a01ff5495c0694d0a2782eb86a5bd9efb')
})

t.test('a valid signature returns the parsed event', async (t) => {
  t.same(constructEvent(body, header(), secret, { now }), JSON.parse(body))
  t.same(constructEvent(Buffer.from(body), header(), secret, { now }), JSON.parse(body))
})

t.test('the default clock is the real one', async (t) => {
  const fresh = generateSignatureHeader({ payload: body, secret })
  t.match(fresh, /^t=\d{10},v0=[0-9a-f]{64}$/)
  t.same(constructEvent(body, fresh, secret), JSON.parse(body))
  rejects(t, () => constructEvent(body, header(body, now), secret),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
})

t.test('Missing signature header', async (t) => {
  for (const value of [undefined, '']) {
    const err = rejects(t, () => constructEvent(body, value, secret, { now }),
      'ELEVENLABS_SIGNATURE_MISSING', 'Missing signature header')
    t.match(err.hint, /elevenlabs-signature/)
    t.type(err, ElevenLabsWebhookError)
  }
  // The SDKs check the header before the secret: a request with neither reports the header.
  rejects(t, () => constructEvent(body, undefined, ''), 'ELEVENLABS_SIGNATURE_MISSING', 'Missing signature header')
})

t.test('Webhook secret not configured', async (t) => {
  for (const bad of ['', [], ['ok', ''], undefined as unknown as string]) {
    rejects(t, () => constructEvent(body, header(), bad, { now }),
      'ELEVENLABS_SECRET_MISSING', 'Webhook secret not configured')
  }
})

t.test('No signature hash found with expected scheme v0', async (t) => {
  const sig = computeSignature(body, secret, now)
  const malformed = [
    `t=${now}`, // no v0
    `v0=${sig}`, // no t
    `t=,v0=${sig}`, // empty t (the SDK rejects it too)
    `t=abc,v0=${sig}`, // the JS SDK accepts this: NaN < x is false
    `t=1700000000.5,v0=${sig}`,
    `t=-1700000000,v0=${sig}`,
    `t=99999999999999999999,v0=${sig}`, // beyond a safe integer
    `t=${now},v1=${sig}`, // another scheme only
    'garbage',
    `t=${now},v0=${sig}, t=${now},v0=${sig}` // the header sent twice, joined by Node
  ]
  for (const value of malformed) {
    rejects(t, () => constructEvent(body, value, secret, { now }),
      'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0')
  }
})

t.test('Timestamp outside the tolerance zone, on both sides, boundaries included', async (t) => {
  // exactly 30:00 old passes, 30:01 fails (the SDKs' rule); the same into the future.
  t.ok(constructEvent(body, header(body, now - 1800), secret, { now }))
  t.ok(constructEvent(body, header(body, now + 1800), secret, { now }))
  const old = rejects(t, () => constructEvent(body, header(body, now - 1801), secret, { now }),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
  t.match(old.hint, /1801s old/)
  const future = rejects(t, () => constructEvent(body, header(body, now + 1801), secret, { now }),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
  t.match(future.hint, /future/)
  // Sub-second precision like the SDK: 1800.5 s old is outside.
  rejects(t, () => constructEvent(body, header(body, now - 1800), secret, { now: now + 0.5 }),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
  const ms = rejects(t, () => constructEvent(body, header(body, now * 1000), secret, { now }),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
  t.match(ms.hint, /milliseconds/)
  // A custom tolerance
  t.ok(constructEvent(body, header(body, now - 10), secret, { now, tolerance: 10 }))
  rejects(t, () => constructEvent(body, header(body, now - 11), secret, { now, tolerance: 10 }),
    'ELEVENLABS_TIMESTAMP_OUT_OF_TOLERANCE', 'Timestamp outside the tolerance zone')
})

t.test('Signature hash does not match the expected signature hash for payload', async (t) => {
  const mismatch = (h: string, payload: string | Buffer = body): WebhookVerificationError =>
    rejects(t, () => constructEvent(payload, h, secret, { now }),
      'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload')
  mismatch(header(body, now, 'another secret'))
  mismatch(header(), body.replace('v1', 'v2'))
  mismatch(header(), body + ' ')
  mismatch(`t=${now + 1},${header().split(',')[1]}`) // the timestamp is signed too
  mismatch(`t=${now},v0=nothex`)
  mismatch(`t=${now},v0=${computeSignature(body, secret, now).toUpperCase()}`)
  mismatch(`t=${now},v0=${computeSignature(body, secret, now).slice(0, 62)}`)
  const err = mismatch(`t=${now},v0=${'0'.repeat(64)}`)
  t.match(err.hint, /raw request bytes/)
})

t.test('a tampered body is rejected before it is parsed', async (t) => {
  rejects(t, () => constructEvent('not json', header(), secret, { now }),
    'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload')
})

t.test('header forms: any order, unknown parts, spaces, several v0', async (t) => {
  const sig = computeSignature(body, secret, now)
  for (const value of [
    `v0=${sig},t=${now}`,
    `t=${now},v1=whatever,v0=${sig},x=y`,
    `t=${now}, v0=${sig}`,
    `t=${now},v0=${'a'.repeat(64)},v0=${sig}`,
    `t=${now},v0=${sig},v0=${'b'.repeat(64)}`
  ]) {
    t.ok(constructEvent(body, value, secret, { now }), value)
  }
  t.same(parseSignatureHeader(`v0=a,t=${now},v0=b`), { timestamp: String(now), signatures: ['a', 'b'] })
})

/** Runs `run` with String.prototype.split watched: what it threw, and the length of each split of `header`. */
function splitsDuring (t: Test, header: string, run: () => unknown): { thrown: unknown, splits: number[] } {
  const split = t.capture(String.prototype, 'split', String.prototype.split)
  let thrown: unknown
  try { run() } catch (err) { thrown = err } finally { split.restore() }
  const splits = split.calls.filter((call) => String(call.receiver) === header)
    .map((call) => 'returned' in call ? call.returned.length : -1)
  return { thrown, splits }
}

t.test('a signature header of 16 000 commas is refused before it is split', async (t) => {
  const commas = ','.repeat(16_000)
  const verifier = createVerifier(secret)
  const hint = 'The ElevenLabs-Signature header is 16000 characters long; at most 1024 are accepted (ElevenLabs sends about 80: "t=<unix seconds>,v0=<hex>").'
  for (const [name, run] of [
    ['constructEvent', () => constructEvent(body, commas, secret, { now })],
    ['createVerifier().verify', () => verifier.verify(body, commas, { now })],
    ['createVerifier().constructEvent', () => verifier.constructEvent(body, commas, { now })],
    ['parseSignatureHeader', () => parseSignatureHeader(commas)]
  ] as const) {
    const { thrown, splits } = splitsDuring(t, commas, run)
    t.same(splits, [], `${name}: not split`)
    const err = rejects(t, () => { throw thrown }, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0')
    t.equal(err.hint, hint, name)
  }
})

t.test('a signature header is refused past 1 KiB, even with a valid signature in it', async (t) => {
  t.equal(MAX_SIGNATURE_HEADER_LENGTH, 1024)
  const valid = header()
  const padded = (length: number): string => `${valid},x=${'y'.repeat(length - valid.length - 3)}`
  t.equal(padded(1024).length, 1024)
  t.ok(constructEvent(body, padded(1024), secret, { now }), 'exactly 1024 characters pass')
  const err = rejects(t, () => constructEvent(body, padded(1025), secret, { now }),
    'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0')
  t.match(err.hint, /1025 characters long; at most 1024 are accepted/)
})

t.test('a signature header of more than 16 parts is refused, and never split into more than 17', async (t) => {
  t.equal(MAX_SIGNATURE_HEADER_PARTS, 16)
  const valid = header()
  const parts = (count: number): string => [valid, ...Array.from({ length: count - 2 }, (_, i) => `x${i}=y`)].join(',')
  t.ok(constructEvent(body, parts(16), secret, { now }), '16 parts pass')
  const err = rejects(t, () => constructEvent(body, parts(17), secret, { now }),
    'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0')
  t.equal(err.hint, 'The ElevenLabs-Signature header has more than 16 comma-separated parts; at most 16 are accepted (ElevenLabs sends two: "t=" and "v0=").')
  // 1 000 commas fit in 1 KiB: split stops one piece past the limit.
  const commas = ','.repeat(1000)
  const { thrown, splits } = splitsDuring(t, commas, () => constructEvent(body, commas, secret, { now }))
  t.same(splits, [MAX_SIGNATURE_HEADER_PARTS + 1])
  rejects(t, () => { throw thrown }, 'ELEVENLABS_SIGNATURE_MALFORMED', 'No signature hash found with expected scheme v0')
  // Rotation fits: t and 14 v0 (what 1 KiB holds), the valid one last.
  const sig = computeSignature(body, secret, now)
  const rotated = [`t=${now}`, ...Array.from({ length: 13 }, (_, i) => `v0=${computeSignature(body, `wsec_old_${i}`, now)}`), `v0=${sig}`].join(',')
  t.ok(rotated.length <= MAX_SIGNATURE_HEADER_LENGTH, `${rotated.length} characters`)
  t.ok(constructEvent(body, rotated, secret, { now }), 'the 14th v0 is checked')
})

t.test('secret rotation: every v0 is checked against every secret', async (t) => {
  const oldSecret = 'wsec_old'
  const newSecret = 'wsec_new'
  for (const signedWith of [oldSecret, newSecret]) {
    t.ok(constructEvent(body, header(body, now, signedWith), [oldSecret, newSecret], { now }))
  }
  // A header that carries a signature for each secret, in either order, with only one known.
  const both = `t=${now},v0=${computeSignature(body, 'wsec_unknown', now)},v0=${computeSignature(body, newSecret, now)}`
  t.ok(constructEvent(body, both, [oldSecret, newSecret], { now }))
  rejects(t, () => constructEvent(body, header(body, now, 'wsec_unknown'), [oldSecret, newSecret], { now }),
    'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload')
})

t.test('byte-exact: unicode, CRLF and non-UTF-8 bytes', async (t) => {
  const unicode = '{"type":"voice.cloned","data":{"voice_id":"v1","name":"Zoë 🎙️ — naïve"}}\r\n'
  t.equal(constructEvent(unicode, header(unicode), secret, { now }).type, 'voice.cloned')
  t.equal(constructEvent(Buffer.from(unicode), header(unicode), secret, { now }).type, 'voice.cloned')
  // A lone 0xff is not UTF-8: decoding to a string first would change the bytes and the HMAC.
  const bytes = Buffer.concat([Buffer.from('{"type":"x","data":{"note":"'), Buffer.from([0xff]), Buffer.from('"}}')])
  t.ok(constructEvent(bytes, header(bytes), secret, { now }))
  rejects(t, () => constructEvent(bytes.toString('utf8'), header(bytes), secret, { now }),
    'ELEVENLABS_SIGNATURE_MISMATCH', 'Signature hash does not match the expected signature hash for payload')
})

t.test('a signed body that is not an event gives a payload error naming what failed', async (t) => {
  const payloadError = (payload: string, code: string, path: string): void => {
    let caught: unknown
    try { constructEvent(payload, header(payload), secret, { now }) } catch (err) { caught = err }
    t.type(caught, WebhookPayloadError, payload)
    t.notOk(caught instanceof SyntaxError)
    const err = caught as WebhookPayloadError
    t.equal(err.code, code)
    t.equal(err.statusCode, 400)
    t.equal(err.path, path)
  }
  payloadError('not json', 'ELEVENLABS_PAYLOAD_INVALID_JSON', '')
  payloadError('', 'ELEVENLABS_PAYLOAD_INVALID_JSON', '')
  payloadError('[]', 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/')
  payloadError('{"data":{}}', 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/type')
  payloadError('{"type":5}', 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/type')
  payloadError('{"type":""}', 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/type')
  payloadError('{"type":"x","event_timestamp":"yesterday"}', 'ELEVENLABS_PAYLOAD_INVALID_ENVELOPE', '/event_timestamp')
  // Presence is lenient: only `type` is required.
  t.same(constructEvent('{"type":"test"}', header('{"type":"test"}'), secret, { now }), { type: 'test' })
})

t.test('createVerifier validates its options once', async (t) => {
  t.throws(() => createVerifier(secret, { tolerance: -1 }), RangeError)
  t.throws(() => createVerifier(secret, { tolerance: Number.NaN }), RangeError)
  t.throws(() => createVerifier([]), WebhookVerificationError)
  const verifier = createVerifier([secret])
  t.doesNotThrow(() => verifier.verify(body, header(), { now }))
})

t.test('interop with the official @elevenlabs/elevenlabs-js SDK', async (t) => {
  const client = new ElevenLabsClient({ apiKey: 'offline-verification-needs-no-real-key' })
  const fresh = Math.floor(Date.now() / 1000)
  // Ours → SDK: the SDK accepts headers made by generateSignatureHeader.
  const event = await client.webhooks.constructEvent(body, header(body, fresh), secret)
  t.same(event, JSON.parse(body))
  await t.rejects(client.webhooks.constructEvent(body, header(body, fresh, 'wrong'), secret),
    { message: /Signature hash does not match/ })

  // SDK → ours: a header signed the SDK's way (WebCrypto, its own hex encoding).
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${fresh}.${body}`))
  const sdkStyle = `t=${fresh},v0=${Array.from(new Uint8Array(mac)).map((b) => b.toString(16).padStart(2, '0')).join('')}`
  t.same(constructEvent(body, sdkStyle, secret), JSON.parse(body))
})

t.test('constructEvent handles __proto__ and constructor.prototype keys as Fastify does, with its option names and defaults', async (t) => {
  const poisoned = '{"type":"voice.cloned","data":{"voice_id":"v1","__proto__":{"isAdmin":true}}}'
  const caught = (() => { try { constructEvent(poisoned, header(poisoned), secret, { now }) } catch (err) { return err } })()
  t.type(caught, WebhookPayloadError)
  t.match(caught, { code: 'ELEVENLABS_PAYLOAD_INVALID_JSON', message: /__proto__/ })
  const removed = constructEvent(poisoned, header(poisoned), secret, { now, onProtoPoisoning: 'remove' })
  t.notOk(Object.hasOwn(removed.data as object, '__proto__'))
  const kept = createVerifier(secret, { onProtoPoisoning: 'ignore' }).constructEvent(poisoned, header(poisoned), { now })
  t.ok(Object.hasOwn(kept.data as object, '__proto__'), 'ignore: as JSON.parse')
  const constructed = '{"type":"voice.cloned","data":{"constructor":{"prototype":{"x":1}}}}'
  t.throws(() => constructEvent(constructed, header(constructed), secret, { now }), { code: 'ELEVENLABS_PAYLOAD_INVALID_JSON' })
  t.ok(constructEvent(constructed, header(constructed), secret, { now, onConstructorPoisoning: 'ignore' }))
})
