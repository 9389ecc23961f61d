// npm run bench:instructions: the CPU instructions each server spends per request, counted by
// valgrind's callgrind. A count, not a time: about the same for the same build and inputs however
// busy the machine is, where req/s moves with whatever else the machine runs. It
// misses what instructions do not show (page faults, cache misses, the kernel, waking the load
// generator), and valgrind hides the CPU's SHA extensions (SHA-256 runs OpenSSL's AVX2 code), so
// it complements `npm run bench`; it does not replace it.
//
// Each server runs under callgrind and answers distinct signed events sent over C keep-alive
// connections at once, as the load test sends them: a warm-up of W events, then N events between
// two readings of its counters (callgrind_control). The main thread's count over N is the request
// path; all threads' adds what V8 does beside it (compiling, collecting garbage), which a longer
// warm-up lowers.
// Environment: BENCH_PAYLOADS (small,medium), BENCH_WARMUP (W, 4000), BENCH_REQUESTS (N, 1000),
// BENCH_CONNECTIONS (C, 10), BENCH_SERVERS (a,b,b-sync,e).
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { payloads } from './payloads.mjs'
import { prefixSigner } from './sign.mjs'
import { emptyQueue, secret, selectServers } from './harness.mjs'

const here = new URL('.', import.meta.url)
const only = (process.env.BENCH_PAYLOADS ?? 'small,medium').split(',')
const warmup = Number(process.env.BENCH_WARMUP ?? 4000)
const n = Number(process.env.BENCH_REQUESTS ?? 1000)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const servers = selectServers(['a', 'b', 'b-sync', 'e'])
const port = 3501

try {
  execFileSync('valgrind', ['--version'])
} catch {
  throw new Error('valgrind is not installed: apt-get install valgrind')
}

/**
 * Sends `count` distinct signed events over `connections` keep-alive connections, each sending
 * its next one when the last is answered (as the load test does); each must be answered 200.
 */
async function send (payload, count, start) {
  const timestamp = Math.floor(Date.now() / 1000)
  const sign = prefixSigner(secret, Buffer.concat([Buffer.from(`${timestamp}.`), payload.prefix]))
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  let sent = 0
  async function sender () {
    while (sent < count) {
      const suffix = payload.suffix(start + sent++)
      const body = Buffer.concat([payload.prefix, Buffer.from(suffix)])
      const headers = { 'content-type': 'application/json', 'content-length': body.length, 'elevenlabs-signature': `t=${timestamp},v0=${sign(suffix)}` }
      const status = await new Promise((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhook', agent, headers }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode))
        })
        request.on('error', reject)
        request.end(body)
      })
      if (status !== 200) throw new Error(`answered ${status} to a valid event: the count would mean nothing`)
    }
  }
  await Promise.all(Array.from({ length: connections }, sender))
  agent.destroy()
}

/** The instructions each thread of a process under callgrind has executed so far: [main, all]. */
function counters (pid) {
  const out = execFileSync('callgrind_control', ['-e', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const threads = [...out.matchAll(/^\s*Th\s*(\d+)\s+([\d,]+)\s*$/gm)].map((m) => ({ id: Number(m[1]), ir: Number(m[2].replaceAll(',', '')) }))
  if (threads.length === 0) throw new Error(`no counters from callgrind_control:\n${out}`)
  return [threads.find((t) => t.id === 1).ir, threads.reduce((sum, t) => sum + t.ir, 0)]
}

/** Runs `file` under callgrind: instructions per request over `count` events after the warm-up, [main thread, all threads]. */
async function instructions (server, payload, count) {
  const { file, env } = server
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'))
  const child = spawn('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${join(dir, 'callgrind.out')}`, process.execPath, new URL(file, here).pathname], {
    env: { ...process.env, ...env, PORT: String(port), SECRET: secret },
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => { if (String(chunk).includes('ready')) resolve() })
      exited.then((code) => reject(new Error(`${file} exited with ${code} before it was ready`)))
    })
    await send(payload, warmup, 0)
    const before = counters(child.pid)
    await send(payload, count, warmup)
    const after = counters(child.pid)
    return [(after[0] - before[0]) / count, (after[1] - before[1]) / count]
  } finally {
    // A server that did not start has no queue to empty.
    await emptyQueue(server, port).catch(() => {})
    child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
}

const results = []
for (const payload of payloads().filter((p) => only.includes(p.name))) {
  const rows = []
  for (const server of servers) {
    const [main, all] = await instructions(server, payload, n)
    rows.push({ server, main, all })
    process.stdout.write(`  ${payload.name} (${server.id}): ${Math.round(main)} instructions per request on the main thread, ${Math.round(all)} in all\n`)
  }
  const floor = rows.find((r) => r.server.id === 'a')
  process.stdout.write(`\n${payload.name}: instructions per request over ${n} requests on ${connections} connections, after ${warmup} of warm-up\n`)
  console.table(rows.map((r) => ({
    server: `(${r.server.id}) ${r.server.name}`,
    'main thread': Math.round(r.main),
    'vs (a)': floor === undefined ? '' : `${(r.main / floor.main).toFixed(2)}x`,
    'added to (a)': floor === undefined || r === floor ? '' : Math.round(r.main - floor.main),
    'all threads': Math.round(r.all),
    'all, vs (a)': floor === undefined ? '' : `${(r.all / floor.all).toFixed(2)}x`
  })))
  results.push({ payload: payload.name, warmup, requests: n, connections, rows: rows.map((r) => ({ id: r.server.id, main: r.main, all: r.all })) })
}
process.stdout.write(`${JSON.stringify(results)}\n`)
