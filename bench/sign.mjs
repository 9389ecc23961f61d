// HMAC-SHA256 with the inner hash state of a constant message prefix computed once:
// HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)), and Hash#copy() lets each request hash only
// its own suffix. Checked against the plugin's own signature before any measurement.
import { createHash } from 'node:crypto'

export function prefixSigner (secret, messagePrefix) {
  let key = Buffer.from(secret, 'utf8')
  if (key.length > 64) key = createHash('sha256').update(key).digest()
  const block = Buffer.alloc(64)
  key.copy(block)
  const inner = createHash('sha256').update(block.map((b) => b ^ 0x36)).update(messagePrefix)
  const outer = createHash('sha256').update(block.map((b) => b ^ 0x5c))
  return (suffix) => outer.copy().update(inner.copy().update(suffix).digest()).digest('hex')
}
