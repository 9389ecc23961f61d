import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import elevenlabsWebhooks, { constructEvent, eventSchemas } from '../src/index.js'
import { fixtures } from '../src/fixtures.js'
import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exitQuietlyOnBrokenPipe, main, DEFAULT_URL, type CliIo } from '../src/cli.js'

const secret = 'wsec_cli_test_secret'

interface Run { code: number, stdout: string, stderr: string }

/** The real command, in its own process, as a user runs it (through tap's TypeScript loader). */
function cli (args: string[], options: { env?: Record<string, string>, stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...process.execArgv, 'src/bin.ts', ...args], {
      env: { ...process.env, ELEVENLABS_WEBHOOK_SECRET: '', ...options.env }
    }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    })
    child.stdin?.end(options.stdin ?? '')
  })
}

/** `main` in this process, with captured streams: for the many small cases. */
async function run (args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => { stdout += text },
    stderr: (text) => { stderr += text },
    readStdin: async () => Buffer.from(stdin),
    env
  }
  return { code: await main(args, io), stdout, stderr }
}

async function server (t: Test): Promise<{ app: FastifyInstance, url: string, seen: unknown[] }> {
  const app = Fastify()
  await app.register(elevenlabsWebhooks, { secret })
  const seen: unknown[] = []
  app.elevenlabs.onAny((event) => { seen.push(event) })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { app, url: `${address}/webhook`, seen }
}

t.test('send: a signed sample event reaches a real server, which answers 200', async (t) => {
  const { url, seen } = await server(t)
  const res = await cli(['send', 'voice.cloned', '--url', url, '--secret', secret])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, `POST ${url} voice.cloned → 200`)
  t.match(res.stdout, '{"success":true}')
  t.equal(seen.length, 1)
  t.same((seen[0] as { data: unknown }).data, fixtures['voice.cloned'].data)
})

t.test('send --tamper: the server refuses it, the command says so and exits 1', async (t) => {
  const { url, seen } = await server(t)
  const res = await cli(['send', 'post_call_transcription', '--url', url, '--tamper'], { env: { ELEVENLABS_WEBHOOK_SECRET: secret } })
  t.equal(res.code, 1)
  t.match(res.stderr, '(tampered signature) → 400')
  t.match(res.stderr, 'Signature hash does not match the expected signature hash for payload')
  t.equal(seen.length, 0)
})

t.test('send --data - and --timestamp: your own data, signed at your time', async (t) => {
  const { url, seen } = await server(t)
  const timestamp = Math.floor(Date.now() / 1000) - 60
  const res = await cli(['send', 'usage.threshold', '--url', url, '--secret', secret, '--data', '-', '--timestamp', String(timestamp)], { stdin: '{"threshold":95}' })
  t.equal(res.code, 0, res.stderr)
  t.same(seen, [{ type: 'usage.threshold', event_timestamp: timestamp, data: { threshold: 95 } }])
  // A timestamp outside the tolerance is refused by the server: exit 1.
  const old = await cli(['send', 'usage.threshold', '--url', url, '--secret', secret, '--timestamp', String(timestamp - 7200)])
  t.equal(old.code, 1)
  t.match(old.stderr, 'Timestamp outside the tolerance zone')
})

t.test('send: an event the server verifies but does not process (200 {"success":false}) exits 1 and says so', async (t) => {
  const { url, seen } = await server(t)
  const res = await run(['send', 'voice.cloned', '--url', url, '--secret', secret, '--data', '-'], {}, '{"name":"no voice_id"}')
  t.equal(res.code, 1)
  t.match(res.stderr, 'voice.cloned → 200 OK')
  t.match(res.stderr, '{"success":false}')
  t.match(res.stderr, 'acknowledged the delivery but did not process it')
  t.equal(seen.length, 0)
})

t.test('send to an unreachable URL: a clear message and exit 3', async (t) => {
  const app = Fastify()
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  await app.close() // a port that was just free: nothing listens there now
  const res = await cli(['send', 'voice.cloned', '--url', `${address}/webhook`, '--secret', secret])
  t.equal(res.code, 3)
  t.match(res.stderr, `no answer from ${address}/webhook (ECONNREFUSED)`)
})

t.test('sign: the header for a file\'s exact bytes, which constructEvent accepts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elevenlabs-cli-'))
  const file = join(dir, 'body.json')
  const body = '{"type":"voice.cloned","data":{"voice_id":"v1"}}\r\n'
  writeFileSync(file, body)
  const res = await cli(['sign', '--secret', secret, file])
  t.equal(res.code, 0, res.stderr)
  const header = res.stdout.trim()
  t.match(header, /^t=\d+,v0=[0-9a-f]{64}$/)
  t.equal(constructEvent(body, header, secret).type, 'voice.cloned')
  const fromStdin = await run(['sign', '--secret', secret, '--timestamp', '1700000000', '-'], {}, body)
  t.equal(fromStdin.stdout.trim(), `t=1700000000,${(await run(['sign', '--secret', secret, '--timestamp', '1700000000', file])).stdout.trim().split(',')[1]}`)
})

t.test('fixtures: lists every type, prints a sample that validates', async (t) => {
  const list = await cli(['fixtures'])
  t.equal(list.code, 0)
  for (const type of Object.keys(eventSchemas)) t.match(list.stdout, type)
  const one = await run(['fixtures', 'post_call_audio'])
  t.same(JSON.parse(one.stdout), fixtures.post_call_audio)
})

t.test('usage errors: a message, a hint and exit 2', async (t) => {
  const cases: Array<[string[], RegExp, Record<string, string>?]> = [
    [['launch'], /unknown command "launch"/],
    [['send'], /expected one event type/],
    [['send', 'a', 'b'], /expected one event type .*, got a b/],
    [['send', 'voice.cloned'], /no secret: pass --secret or set ELEVENLABS_WEBHOOK_SECRET/],
    [['send', 'voice.cloned', '--secret', 's', '--timestamp', '17e8'], /--timestamp must be unix seconds/],
    [['send', 'voice.cloned', '--secret', 's', '--url', 'not a url'], /--url must be an http:\/\/ or https:\/\/ URL/],
    [['send', 'voice.cloned', '--secret', 's', '--url', 'localhost:3000/webhook'], /--url must be an http:\/\/ or https:\/\/ URL/],
    [['send', 'voice.cloned', '--secret', 's', '--timeout', '1e10'], /--timeout must be/],
    [['send', 'crm.lead', '--secret', 's'], /no sample for "crm.lead": pass --data/],
    [['send', 'voice.cloned', '--secret', 's', '--data', '/nonexistent/file.json'], /cannot read \/nonexistent\/file.json: ENOENT/],
    [['send', 'voice.cloned', '--secret', 's', '--data', '-'], /--data - is not JSON/],
    [['send', 'voice.cloned', '--bogus'], /Unknown option '--bogus'/],
    [['sign', '--secret', 's'], /expected a file or - for stdin, got nothing/],
    [['fixtures', 'nope'], /no sample for "nope"/],
    [['fixtures', 'a', 'b'], /expected at most one type/]
  ]
  for (const [args, message] of cases) {
    const res = await run(args, {}, 'not json')
    t.equal(res.code, 2, args.join(' '))
    t.match(res.stderr, message, args.join(' '))
    t.match(res.stderr, /Run "elevenlabs-webhooks .*--help" for usage/)
  }
  const bare = await run([])
  t.equal(bare.code, 2)
  t.match(bare.stdout, 'Usage: elevenlabs-webhooks <command>')
  const real = await cli(['send'])
  t.equal(real.code, 2, 'the real process exits 2 as well')
})

t.test('an unexpected failure is not dressed up as a usage error: its own message and exit 4', async (t) => {
  let stderr = ''
  const io: CliIo = { stdout: () => {}, stderr: (text) => { stderr += text }, env: {}, readStdin: async () => { throw new Error('stdin closed') } }
  t.equal(await main(['sign', '--secret', 's', '-'], io), 4)
  t.match(stderr, 'elevenlabs-webhooks: unexpected failure: Error: stdin closed')
})

t.test('send --data takes a whole event too, as "fixtures <type>" prints it, and sends it byte for byte', async (t) => {
  const { url, seen } = await server(t)
  const printed = (await run(['fixtures', 'post_call_transcription'])).stdout
  const res = await run(['send', 'post_call_transcription', '--url', url, '--secret', secret, '--data', '-'], {}, printed)
  t.equal(res.code, 0, res.stderr)
  t.same(seen, [fixtures.post_call_transcription])
  const wrongType = await run(['send', 'voice.cloned', '--url', url, '--secret', secret, '--data', '-'], {}, printed)
  t.equal(wrongType.code, 2)
  t.match(wrongType.stderr, '--data holds a "post_call_transcription" event, not "voice.cloned"')
})

t.test('send reports redirects instead of following them, and a connection cut mid-answer', async (t) => {
  const odd = createServer((req, res) => {
    if (req.url === '/moved') { res.writeHead(302, { location: '/elsewhere' }).end(); return }
    if (req.url === '/text') { res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'); return }
    res.writeHead(200, { 'content-length': '100' }).write('{"succ') // then cut
    res.destroy()
  })
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { odd.closeAllConnections(); odd.close() })
  const { port } = odd.address() as AddressInfo
  const moved = await run(['send', 'voice.cloned', '--secret', secret, '--url', `http://127.0.0.1:${port}/moved`])
  t.equal(moved.code, 1)
  t.match(moved.stderr, '→ 302')
  // Another receiver's plain 200: delivered (only this plugin's {"success":false} says otherwise).
  const text = await run(['send', 'voice.cloned', '--secret', secret, '--url', `http://127.0.0.1:${port}/text`])
  t.equal(text.code, 0)
  t.match(text.stdout, '→ 200 OK\nOK')
  const cut = await run(['send', 'voice.cloned', '--secret', secret, '--url', `http://127.0.0.1:${port}/cut`])
  t.equal(cut.code, 3)
  t.match(cut.stderr, /no answer from http:\/\/127.0.0.1:\d+\/cut/)
})

t.test('--help on every command', async (t) => {
  for (const args of [['--help'], ['help'], ['send', '--help'], ['sign', '-h'], ['fixtures', '--help'], ['help', 'sign']]) {
    const res = await run(args)
    t.equal(res.code, 0, args.join(' '))
    t.match(res.stdout, /^Usage: elevenlabs-webhooks/)
  }
  t.match((await run(['help', 'send'])).stdout, /^Usage: elevenlabs-webhooks send <type>/)
  t.match((await run(['send', '--help'])).stdout, DEFAULT_URL)
})

t.test('send reads ELEVENLABS_WEBHOOK_SECRET; a URL fetch refuses is explained', async (t) => {
  const { url, seen } = await server(t)
  t.equal((await run(['send', 'voice.cloned', '--url', url], { ELEVENLABS_WEBHOOK_SECRET: secret })).code, 0)
  t.equal(seen.length, 1)
  // Port 9 is on fetch's list of bad ports: refused before any connection, with a reason.
  const refused = await run(['send', 'voice.cloned', '--url', 'http://127.0.0.1:9/webhook'], { ELEVENLABS_WEBHOOK_SECRET: secret })
  t.equal(refused.code, 3)
  t.match(refused.stderr, 'no answer from http://127.0.0.1:9/webhook (bad port)')
})

t.test('send --timeout: an endpoint that never answers is given up on, exit 3', async (t) => {
  const silent = createServer(() => {}) // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { silent.closeAllConnections(); silent.close() })
  const { port } = silent.address() as AddressInfo
  const res = await run(['send', 'voice.cloned', '--secret', secret, '--url', `http://127.0.0.1:${port}/webhook`, '--timeout', '0.2'])
  t.equal(res.code, 3)
  t.match(res.stderr, /no answer from .* \(The operation was aborted due to timeout\)/)
  t.equal((await run(['send', 'voice.cloned', '--secret', secret, '--timeout', '0'])).code, 2)
})

t.test('a closed pipe on stdout ends the command quietly; other stream errors still throw', async (t) => {
  const stream = new EventEmitter()
  const exits: number[] = []
  exitQuietlyOnBrokenPipe(stream, (code) => { exits.push(code) })
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
  t.same(exits, [0])
  t.throws(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' })), /disk full/)
})
