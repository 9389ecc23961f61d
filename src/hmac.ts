/**
 * HMAC-SHA256 of `${prefix}${payload}` for one key, cheap on small messages.
 *
 * On a small webhook `createHmac` spends a large share of its time setting itself up rather than
 * hashing (`npm run bench:micro`, bench/README.md), so small messages take RFC 2104's definition,
 * H((K ^ opad) || H((K ^ ipad) || m)), through the one-shot `crypto.hash` over a reused
 * buffer. Large messages, where the setup no longer counts, and runtimes without
 * `crypto.hash` (Node < 20.12) use `createHmac`. The results are the same bytes.
 */
import * as crypto from 'node:crypto'

const BLOCK_BYTES = 64
const DIGEST_BYTES = 32
/**
 * Up to this many message bytes, `createHmac`'s setup is a large share of its time; above, the
 * hashing is, and the reused buffer stays small.
 */
export const ONE_SHOT_MAX_BYTES = 16 * 1024

// Node 20's one-shot hash is quickest with string output ('buffer' output costs twice as much).
type OneShotHash = (algorithm: string, data: NodeJS.ArrayBufferView, outputEncoding: 'latin1') => string

// Read at call time of createKeyedHmac, so a runtime without it (or a test removing it) falls back.
function oneShotHash (): OneShotHash | undefined {
  const hash = (crypto as { hash?: unknown }).hash
  return typeof hash === 'function' ? hash as OneShotHash : undefined
}

// One message buffer for every key: filling and hashing it is synchronous and calls no user
// code (only real Buffers come here, copied natively), so no two calls overlap.
// Its first block is the key's ipad, the message follows.
const PREFIX_MAX_BYTES = 64
const message = Buffer.allocUnsafe(BLOCK_BYTES + PREFIX_MAX_BYTES + ONE_SHOT_MAX_BYTES)

/**
 * Returns the digest. On the quick path that is the same Buffer every call for this key,
 * overwritten by the next call: read it before hashing again.
 */
export type KeyedHmac = (prefix: string, payload: string | Buffer) => Buffer

export function createKeyedHmac (secret: string): KeyedHmac {
  const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'))
  const hash = oneShotHash()
  const streaming: KeyedHmac = (prefix, payload) => crypto.createHmac('sha256', key).update(prefix).update(payload).digest()
  if (hash === undefined) return streaming

  let keyBytes = key.export()
  if (keyBytes.length > BLOCK_BYTES) keyBytes = crypto.createHash('sha256').update(keyBytes).digest()
  const ipad = Buffer.alloc(BLOCK_BYTES, 0x36)
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES)
  const digest = Buffer.alloc(DIGEST_BYTES)
  outer.fill(0x5c, 0, BLOCK_BYTES)
  keyBytes.forEach((byte, i) => {
    ipad[i] = 0x36 ^ byte
    outer[i] = 0x5c ^ byte
  })

  return (prefix, payload) => {
    // A string would need encoding first, and JavaScript callers may pass any Uint8Array or
    // DataView: createHmac takes them all. The webhook path holds a Buffer.
    if (!Buffer.isBuffer(payload) || payload.length > ONE_SHOT_MAX_BYTES) return streaming(prefix, payload)
    const prefixBytes = Buffer.byteLength(prefix)
    if (prefixBytes > PREFIX_MAX_BYTES) return streaming(prefix, payload)
    ipad.copy(message, 0)
    message.write(prefix, BLOCK_BYTES, 'utf8')
    const length = BLOCK_BYTES + prefixBytes + payload.copy(message, BLOCK_BYTES + prefixBytes)
    outer.write(hash('sha256', message.subarray(0, length), 'latin1'), BLOCK_BYTES, 'latin1')
    digest.write(hash('sha256', outer, 'latin1'), 0, 'latin1')
    return digest
  }
}
