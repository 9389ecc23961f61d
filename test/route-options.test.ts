// How the webhook route fits an app as users set it up: a prefix, route options for the app's
// own plugins (@fastify/rate-limit, @fastify/swagger, an auth hook), @fastify/autoload nesting,
// and the TypeBox users have.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import autoLoad from '@fastify/autoload'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import { Type as Type1 } from 'typebox'
import elevenlabsWebhooks, { Type, type ElevenLabsWebhooksOptions, type TSchema } from '../src/index.js'
import { appWithLogs, build, secret, signed } from './helpers.js'

// The flag of the app's own auth hook, declared the way an app declares its route config.
declare module 'fastify' {
  interface FastifyContextConfig { public?: boolean }
}

const voiceCloned = { type: 'voice.cloned', data: { voice_id: 'voice_1', name: 'Ada' } }

t.test('prefix: the route moves under it, as with any plugin registered with a prefix', async (t) => {
  const { app } = await build({ prefix: '/api' })
  t.equal((await app.inject(signed(voiceCloned, { url: '/api/webhook' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhook' }))).statusCode, 404)
  const nested = Fastify()
  await nested.register(async (v1) => { await v1.register(elevenlabsWebhooks, { secret, prefix: '/hooks', path: '/elevenlabs' }) }, { prefix: '/v1' })
  t.equal((await nested.inject(signed(voiceCloned, { url: '/v1/hooks/elevenlabs' }))).statusCode, 200, 'under the prefix of its context too')
})

t.test('routeOptions.config reaches the app\'s hooks: a global auth hook and @fastify/rate-limit can exempt the webhook', async (t) => {
  const app = Fastify()
  await app.register(rateLimit, { max: 1, timeWindow: 60_000 })
  // An app-wide auth hook that lets public routes through.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.public !== true) return reply.code(401).send({ error: 'login' })
  })
  await app.register(async (scope) => {
    await scope.register(elevenlabsWebhooks, { secret, routeOptions: { config: { public: true, rateLimit: false } } })
  })
  await app.register(async (scope) => {
    await scope.register(elevenlabsWebhooks, { secret, path: '/limited', routeOptions: { config: { public: true } } })
  })
  for (let i = 0; i < 3; i++) t.equal((await app.inject(signed(voiceCloned))).statusCode, 200, `delivery ${i + 1} passes auth and the rate limit`)
  t.equal((await app.inject(signed(voiceCloned, { url: '/limited' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/limited' }))).statusCode, 429, 'without rateLimit: false the app\'s limit applies')

  const locked = Fastify()
  locked.addHook('onRequest', async (_request: FastifyRequest, reply: FastifyReply) => reply.code(401).send({ error: 'login' }))
  await locked.register(elevenlabsWebhooks, { secret })
  t.equal((await locked.inject(signed(voiceCloned))).statusCode, 401, 'without the flag the auth hook refuses it')
})

t.test('routeOptions hooks run after the plugin\'s own: a preHandler sees only verified requests', async (t) => {
  const seen: string[] = []
  const { app } = await build({
    routeOptions: {
      onRequest: async () => { seen.push('onRequest') },
      preHandler: [async (request) => { seen.push(`preHandler ${Buffer.isBuffer(request.rawBody) ? 'verified' : 'unverified'}`) }],
      onSend: async (_request, _reply, payload) => { seen.push('onSend'); return payload },
      onResponse: async (_request, reply) => { seen.push(`onResponse ${reply.statusCode}`) }
    }
  })
  app.elevenlabs.on('voice.cloned', () => { seen.push('handler') })
  t.equal((await app.inject(signed(voiceCloned))).statusCode, 200)
  t.same(seen, ['onRequest', 'preHandler verified', 'handler', 'onSend', 'onResponse 200'])
  seen.length = 0
  t.equal((await app.inject(signed(voiceCloned, { secret: 'wsec_wrong' }))).statusCode, 400)
  t.same(seen, ['onRequest', 'onSend', 'onResponse 400'], 'a bad signature never reaches your preHandler')
})

t.test('routeOptions.logLevel quiets the route\'s request logs', async (t) => {
  const quiet = appWithLogs()
  await quiet.app.register(elevenlabsWebhooks, { secret, routeOptions: { logLevel: 'warn' } })
  await quiet.app.inject(signed(voiceCloned))
  t.same(quiet.logs.filter((line) => line.msg === 'incoming request'), [])
  const loud = appWithLogs()
  await loud.app.register(elevenlabsWebhooks, { secret })
  await loud.app.inject(signed(voiceCloned))
  t.equal(loud.logs.filter((line) => line.msg === 'incoming request').length, 1, 'at the app\'s level otherwise')
})

t.test('@fastify/swagger: the route is hidden unless routeOptions.schema says otherwise', async (t) => {
  const paths = async (options: ElevenLabsWebhooksOptions): Promise<string[]> => {
    const app = Fastify()
    await app.register(swagger, { openapi: { info: { title: 'app', version: '1' } } })
    app.get('/health', async () => ({ ok: true }))
    await app.register(elevenlabsWebhooks, { secret, ...options })
    await app.ready()
    return Object.keys(app.swagger().paths ?? {})
  }
  t.same(await paths({}), ['/health'])
  t.same(await paths({ routeOptions: { schema: { hide: false, tags: ['webhooks'], summary: 'ElevenLabs events' } } }), ['/health', '/webhook'])
})

t.test('routeOptions the route cannot take are refused at boot, saying why', async (t) => {
  for (const [routeOptions, message] of [
    [{ preParsing: async () => {} }, /preParsing` is not supported: it would change the body before its signature is checked/],
    [{ url: '/elsewhere' }, /routeOptions\.url` is not supported.*`path`, `prefix` and `bodyLimit`/],
    [{ bodyLimit: 10 }, /routeOptions\.bodyLimit` is not supported/],
    [{ schema: { body: Type.Object({}) } }, /routeOptions\.schema\.body` is not supported: it would validate the request before its signature is checked/],
    [{ schema: { headers: Type.Object({}) } }, /schema\.headers/],
    [null, /must be an object of Fastify route options/]
  ] as const) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, routeOptions: routeOptions as never }).ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message }, JSON.stringify(routeOptions))
  }
  await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, prefix: 'api' }).ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message: /`prefix` option must be a string starting with "\/"/ })
})

t.test('@fastify/autoload: a webhook at the root and a second one under routes/ both work', async (t) => {
  // autoload loads .ts only where it knows TypeScript runs; tap runs tests through TypeScript.
  process.env.FASTIFY_AUTOLOAD_TYPESCRIPT = '1'
  t.teardown(() => { delete process.env.FASTIFY_AUTOLOAD_TYPESCRIPT })
  const { app, logs } = appWithLogs()
  const dir = fileURLToPath(new URL('fixtures/autoload/', import.meta.url))
  await app.register(autoLoad, { dir: `${dir}plugins` })
  await app.register(autoLoad, { dir: `${dir}routes` })
  t.equal((await app.inject(signed(voiceCloned, { url: '/webhooks/agents', secret: 'wsec_agents' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/stt/webhook', secret: 'wsec_stt' }))).statusCode, 200)
  t.equal((await app.inject(signed(voiceCloned, { url: '/stt/webhook', secret: 'wsec_agents' }))).statusCode, 400, 'each with its own secret')
  t.same(logs.filter((line) => line.msg === 'handled').map((line) => line.route), ['agents', 'stt'], 'each with its own handlers')
})

t.test('custom events: schemas from the Type this package exports; typebox 1.x and plain JSON Schema refused at boot', async (t) => {
  const { app } = await build({ events: { 'crm.lead': Type.Object({ lead_id: Type.String() }) } })
  t.equal((await app.inject(signed({ type: 'crm.lead', data: { lead_id: 'L1' } }))).json().success, true)
  t.equal((await app.inject(signed({ type: 'crm.lead', data: { lead_id: 1 } }))).json().success, false)
  for (const [schema, message] of [
    [Type1.Object({ lead_id: Type1.String() }), /"crm\.lead" was made with typebox 1\.x.*import \{ Type \} from 'fastify-elevenlabs-webhooks'/],
    [{ type: 'object' }, /"crm\.lead" is not a TypeBox schema/],
    [null, /"crm\.lead" is not a TypeBox schema/]
  ] as const) {
    await t.rejects(async () => { await Fastify().register(elevenlabsWebhooks, { secret, events: { 'crm.lead': schema as unknown as TSchema } }).ready() }, { code: 'ELEVENLABS_CONFIG_INVALID', message })
  }
})
