// npm run bench:instructions: machine instructions per request, counted by valgrind's callgrind
// in each server while it answers real HTTP requests. Unlike req/s or CPU time, the count does
// not move when a neighbour loads the machine, so it shows differences of a few percent.
// Every thread is counted (V8's compiler and GC threads too). Needs valgrind.
//   node bench/instructions.mjs [server …]    servers: file names in bench/servers (default bare, plugin)
// Environment: BENCH_PAYLOADS (small), BENCH_REQUESTS (2000), BENCH_WARMUP (3000).
import { spawn, execFileSync } from 'node:child_process'
import { Agent, request as httpRequest } from 'node:http'
import { payloads } from './payloads.mjs'
import { prefixSigner } from './sign.mjs'

const here = new URL('.', import.meta.url)
const secret = 'wsec_bench_secret'
const servers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['bare', 'plugin']
const only = (process.env.BENCH_PAYLOADS ?? 'small').split(',')
const count = Number(process.env.BENCH_REQUESTS ?? 2000)
const warmup = Number(process.env.BENCH_WARMUP ?? 3000)
const concurrency = 4
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
const port = Number(process.env.BENCH_PORT ?? 3301)

function start (server) {
  return new Promise((resolve, reject) => {
    // "stages:verify" runs servers/stages.mjs with BENCH_STAGE=verify.
    const [file, stage] = server.split(':')
    const child = spawn('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null',
      process.execPath, ...nodeFlags, new URL(`servers/${file}.mjs`, here).pathname], {
      env: { ...process.env, PORT: String(port), SECRET: secret, BENCH_STAGE: stage ?? '' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    child.stderr.on('data', (chunk) => { log += chunk })
    child.once('exit', (code) => reject(new Error(`${server} exited with ${code}:\n${log}`)))
    child.stdout.on('data', (chunk) => { if (String(chunk).includes('ready')) resolve(child) })
  })
}

/** Instructions executed so far by every thread of the process. */
function instructions (pid) {
  const out = execFileSync('callgrind_control', ['-e', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  let total = 0
  for (const line of out.split('\n')) {
    const m = /^\s*Th\s*\d+\s+([\d,]+)/.exec(line)
    if (m) total += Number(m[1].replaceAll(',', ''))
  }
  if (total === 0) throw new Error(`no counters from callgrind_control:\n${out}`)
  return total
}

async function send (payload, from, n) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const timestamp = Math.floor(Date.now() / 1000)
  const sign = prefixSigner(secret, Buffer.concat([Buffer.from(`${timestamp}.`), payload.prefix]))
  let next = from
  const end = from + n
  const one = (i) => new Promise((resolve, reject) => {
    const suffix = payload.suffix(i)
    const body = Buffer.concat([payload.prefix, Buffer.from(suffix)])
    const req = httpRequest({
      agent,
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/webhook',
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'elevenlabs-signature': `t=${timestamp},v0=${sign(suffix)}` }
    }, (res) => {
      res.resume()
      res.once('end', () => res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)))
    })
    req.once('error', reject)
    req.end(body)
  })
  const worker = async () => {
    for (let i = next++; i < end; i = next++) await one(i)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  agent.destroy()
}

const rows = []
for (const payload of payloads().filter((p) => only.includes(p.name))) {
  for (const server of servers) {
    const child = await start(server)
    await send(payload, 0, warmup)
    const before = instructions(child.pid)
    await send(payload, warmup, count)
    const after = instructions(child.pid)
    child.removeAllListeners('exit')
    child.kill('SIGKILL')
    rows.push({ payload: payload.name, server, 'instructions/request': Math.round((after - before) / count) })
    process.stderr.write(`${payload.name} ${server}: ${rows.at(-1)['instructions/request']}\n`)
  }
}
const base = new Map(rows.filter((r) => r.server === servers[0]).map((r) => [r.payload, r['instructions/request']]))
console.table(rows.map((r) => ({ ...r, [`vs ${servers[0]}`]: `${(r['instructions/request'] / base.get(r.payload)).toFixed(2)}x` })))
