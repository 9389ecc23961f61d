/**
 * The source-address allowlist: addresses and CIDR ranges, IPv4 and IPv6, checked with
 * node:net's BlockList. Framework-free: the plugin passes `request.ip`, which honours
 * Fastify's `trustProxy`.
 */
import { BlockList, isIP } from 'node:net'
import { WebhookConfigError } from './errors.js'

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i

/** Builds a check for `ip` against `entries` ("203.0.113.7", "203.0.113.0/24", "2001:db8::/32"). Throws WebhookConfigError for a bad entry. */
export function createSourceFilter (entries: readonly string[]): (ip: string) => boolean {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new WebhookConfigError('allowedSources must be a non-empty list of IP addresses or CIDR ranges (ElevenLabs documents the addresses its webhooks come from)')
  }
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix, extra] = String(entry).trim().split('/')
    const family = isIP(address)
    const bits = Number(prefix)
    const valid = family !== 0 && extra === undefined &&
      (prefix === undefined || (/^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128)))
    if (!valid) throw new WebhookConfigError(`allowedSources: "${entry}" is not an IP address or CIDR range`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, bits, type)
  }
  return (ip) => {
    // A dual-stack server sees IPv4 clients as ::ffff:a.b.c.d.
    const address = MAPPED_IPV4.exec(ip)?.[1] ?? ip
    const family = isIP(address)
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}
