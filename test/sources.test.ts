import t from 'tap'
import Fastify from 'fastify'
import elevenlabsWebhooks from '../src/index.js'
import { createSourceFilter } from '../src/sources.js'
import { secret, signed } from './helpers.js'

const event = { type: 'voice.cloned', data: { voice_id: 'v1' } }

t.test('createSourceFilter: addresses and CIDR ranges, IPv4 and IPv6', async (t) => {
  const allowed = createSourceFilter(['203.0.113.7', '198.51.100.0/24', '2001:db8::/32', ' 192.0.2.1 '])
  t.ok(allowed('203.0.113.7'))
  t.notOk(allowed('203.0.113.8'))
  t.ok(allowed('198.51.100.255'))
  t.notOk(allowed('198.51.101.0'))
  t.ok(allowed('2001:db8:1::5'))
  t.notOk(allowed('2001:db9::1'))
  t.ok(allowed('::ffff:198.51.100.4'), 'IPv4-mapped IPv6, as a dual-stack server sees IPv4 clients')
  t.ok(allowed('192.0.2.1'))
  t.notOk(allowed('not an ip'))
  t.notOk(allowed(''))
  for (const bad of [[], ['10.0.0.0/33'], ['::/129'], ['10.0.0.1/8/1'], ['example.com'], ['10.0.0.0/x'], ['10.0.0.0/']]) {
    t.throws(() => createSourceFilter(bad), { code: 'ELEVENLABS_CONFIG_INVALID' }, JSON.stringify(bad))
  }
})

t.test('allowedSources: 403 before the body is read for other addresses; trustProxy honoured', async (t) => {
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret, allowedSources: ['203.0.113.0/24'] })
  let runs = 0
  app.elevenlabs.onAny(() => { runs++ })
  const fromAllowed = await app.inject({ ...signed(event), remoteAddress: '203.0.113.9' })
  t.equal(fromAllowed.statusCode, 200)
  const fromOther = await app.inject({ ...signed(event), remoteAddress: '192.0.2.50' })
  t.equal(fromOther.statusCode, 403)
  t.equal(fromOther.json().code, 'ELEVENLABS_SOURCE_NOT_ALLOWED')
  // Without trustProxy a forged X-Forwarded-For changes nothing.
  const forged = await app.inject({ ...signed(event), remoteAddress: '192.0.2.50', headers: { ...signed(event).headers as Record<string, string>, 'x-forwarded-for': '203.0.113.9' } })
  t.equal(forged.statusCode, 403)
  t.equal(runs, 1)

  const behindProxy = Fastify({ trustProxy: '10.0.0.1' })
  await behindProxy.register(elevenlabsWebhooks, { secret, allowedSources: ['203.0.113.0/24'] })
  const viaProxy = (client: string): Promise<number> => behindProxy.inject({
    ...signed(event), remoteAddress: '10.0.0.1', headers: { ...signed(event).headers as Record<string, string>, 'x-forwarded-for': client }
  }).then((res) => res.statusCode)
  t.equal(await viaProxy('203.0.113.9'), 200)
  t.equal(await viaProxy('192.0.2.50'), 403)
})

t.test('requireHttps: 403 over plain HTTP; HTTPS seen through a trusted proxy passes', async (t) => {
  const app = Fastify({ trustProxy: true })
  await app.register(elevenlabsWebhooks, { secret, requireHttps: true })
  const plain = await app.inject(signed(event))
  t.equal(plain.statusCode, 403)
  t.equal(plain.json().code, 'ELEVENLABS_HTTPS_REQUIRED')
  const viaTls = await app.inject({ ...signed(event), headers: { ...signed(event).headers as Record<string, string>, 'x-forwarded-proto': 'https' } })
  t.equal(viaTls.statusCode, 200)
})

t.test('both defences are off unless asked for', async (t) => {
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret })
  t.equal((await app.inject({ ...signed(event), remoteAddress: '192.0.2.50' })).statusCode, 200)
})
