// npm run bench: interleaved rounds of (a) bare Fastify, (b) this plugin with an async handler,
// (b-sync) with a sync one, (c) Express + SDK, (e) verification only and (f) queue mode (and (d),
// the proposal without fastify-raw-body, when BENCH_SERVERS names it), for each payload; prints a
// table per payload and the ratios the targets are stated in, and writes bench/results/latest.json.
import * as crypto from 'node:crypto'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { generateSignatureHeader } from '../dist/index.js'
import { payloads } from './payloads.mjs'
import { prefixSigner } from './sign.mjs'
import { emptyQueue, load, median, nodeFlags, pinned, secret, selectServers, startServer, stopServer } from './harness.mjs'

const here = new URL('.', import.meta.url)

const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const duration = Number(process.env.BENCH_DURATION ?? 3)
const warmup = Number(process.env.BENCH_WARMUP ?? 2)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const only = process.env.BENCH_PAYLOADS?.split(',')

const targets = selectServers(['a', 'b', 'b-sync', 'c', 'e', 'f']).map((server, i) => ({ ...server, port: 3101 + i }))

function peakRssMiB (pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024
}

async function post (port, body, header) {
  const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'elevenlabs-signature': header },
    body
  })
  await res.arrayBuffer()
  return res.status
}

/**
 * Every server must accept a valid event (200) and refuse a bad one (400) before it is measured.
 * The valid one is signed the load generator's way (sign.mjs), and that signature must equal the
 * plugin's own: what is measured is what was checked.
 */
async function selfCheck (target, payload) {
  const timestamp = Math.floor(Date.now() / 1000)
  const suffix = payload.suffix(999_999_999)
  const body = Buffer.concat([payload.prefix, Buffer.from(suffix)])
  const header = `t=${timestamp},v0=${prefixSigner(secret, Buffer.concat([Buffer.from(`${timestamp}.`), payload.prefix]))(suffix)}`
  if (header !== generateSignatureHeader({ payload: body, secret, timestamp })) throw new Error('the load generator signs differently from the plugin')
  const valid = await post(target.port, body, header)
  const tampered = Buffer.from(body)
  tampered[tampered.length - 5] ^= 1
  // The floor verifies nothing: its "bad" request is a body that is not JSON.
  const bad = target.id === 'a' ? Buffer.from('{not json') : tampered
  const refused = await post(target.port, bad, header)
  if (valid !== 200 || refused !== 400) {
    throw new Error(`${target.name} self-check failed on ${payload.name}: valid → ${valid}, bad → ${refused} (want 200 and 400)`)
  }
}

/**
 * µs for one SHA-256 over `body` here, in a loop (median of 5 batches), by the quickest means Node
 * has: the least any receiver that checks an HMAC of the body must spend per request, whatever
 * else it does or does not do.
 */
function sha256Micros (body) {
  const batch = Math.max(5, Math.ceil(2_000_000 / body.length))
  const hashOnce = crypto.hash === undefined
    ? () => crypto.createHash('sha256').update(body).digest('latin1')
    : () => crypto.hash('sha256', body, 'latin1')
  for (let i = 0; i < batch; i++) hashOnce()
  const times = []
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) hashOnce()
    times.push(Number(process.hrtime.bigint() - start) / 1000 / batch)
  }
  return median(times)
}

// Queue mode's other process: what Redis spends per event, from its own counters (INFO), read
// before and after each measured round of (f) and before the queue is emptied.
let redis
async function redisStats () {
  if (redis === undefined) {
    const { Redis } = await import('ioredis')
    redis = new Redis({ host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) })
  }
  const info = await redis.info('all')
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)[1])
  const commands = {}
  for (const m of info.matchAll(/^cmdstat_(\w+):calls=(\d+),usec=(\d+)/gm)) commands[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) }
  return { cpuUs: (field('used_cpu_user') + field('used_cpu_sys')) * 1e6, commands }
}
function addRedisWork (work, before, after, events) {
  work.cpuUs += after.cpuUs - before.cpuUs
  work.events += events
  for (const [name, c] of Object.entries(after.commands)) {
    const b = before.commands[name] ?? { calls: 0, usec: 0 }
    const w = work.commands[name] ??= { calls: 0, usec: 0 }
    w.calls += c.calls - b.calls
    w.usec += c.usec - b.usec
  }
}
function redisPerEvent (work) {
  const commands = {}
  // The receiver's commands; the stats reads themselves (info) and the rest are left out.
  for (const name of ['hgetall', 'evalsha']) {
    const c = work.commands[name]
    if (c !== undefined && c.calls > 0) commands[name] = { perEvent: c.calls / work.events, usPerCall: c.usec / c.calls }
  }
  return { cpuUs: work.cpuUs / work.events, commands }
}

const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), rounds, duration, warmup, connections, nodeFlags, pinned, payloads: [] }
let next = 0

for (const payload of payloads().filter((p) => only === undefined || only.includes(p.name))) {
  const size = payload.prefix.length + payload.suffix(0).length
  process.stdout.write(`\n${payload.name}: ${payload.type}, ${(size / 1024).toFixed(1)} KiB\n`)
  const run = (target, seconds) => load({ port: target.port, payload: payload.name, seconds, start: next, connections })
  const runs = new Map(targets.map((t) => [t.id, []]))
  // What Redis spent on each server that writes to it, apart.
  const redisWork = new Map(targets.filter((t) => t.redis === true).map((t) => [t.id, { cpuUs: 0, events: 0, commands: {} }]))
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so that no target always runs first or last.
    const order = targets.map((_, i) => targets[(i + round) % targets.length])
    for (const target of order) {
      // A new process every round: how often glibc hands its heap back to the kernel and takes it
      // back page by page (the page faults column) varies from one process to the next, and one
      // process per server would weigh on every round of one server and none of another's. The
      // median round is then a typical process.
      const child = await startServer(target.file, target.port, target.env)
      await selfCheck(target, payload)
      next = run(target, warmup).next // warm-up, not recorded
      await emptyQueue(target, target.port)
      child.kill('SIGUSR2') // start counting CPU from here
      const before = target.redis === true ? await redisStats() : undefined
      const r = run(target, duration)
      if (before !== undefined) addRedisWork(redisWork.get(target.id), before, await redisStats(), r.total)
      if (r.errors > 0) throw new Error(`${target.name} answered ${r.non2xx} non-2xx and had ${r.errors - r.non2xx} other errors on ${payload.name}: the results would mean nothing`)
      next = r.next
      await emptyQueue(target, target.port)
      const peakRss = peakRssMiB(child.pid)
      const cpu = await stopServer(child)
      runs.get(target.id).push({ ...r, cpuUs: cpu.usPerRequest, faults: cpu.faultsPerRequest, newSpace: cpu.newSpaceMiB, peakRss })
      process.stdout.write(`  round ${round + 1} ${target.id}: ${Math.round(r.requests)} req/s, ${cpu.usPerRequest.toFixed(0)} µs CPU/req, ${cpu.faultsPerRequest.toFixed(1)} faults/req, young generation ${cpu.newSpaceMiB} MiB\n`)
    }
  }
  const rows = targets.map((target) => {
    const rs = runs.get(target.id)
    // The median round: one round slowed by a neighbour on a shared machine does not move it.
    const typical = (key) => median(rs.map((r) => r[key]))
    return {
      id: target.id,
      name: target.name,
      reqPerSec: typical('requests'),
      p50: typical('p50'),
      p99: typical('p99'),
      errors: rs.reduce((sum, r) => sum + r.errors, 0),
      cpuUsPerRequest: typical('cpuUs'),
      pageFaultsPerRequest: typical('faults'),
      // The size V8's young generation had grown to when a round ended, median over the processes.
      newSpaceMiB: typical('newSpace'),
      // The highest of its processes' peaks.
      peakRssMiB: Math.max(...rs.map((r) => r.peakRss)),
      ...(target.redis === true ? { redis: redisPerEvent(redisWork.get(target.id)) } : {})
    }
  })
  const floor = rows.find((r) => r.id === 'a') ?? rows[0]
  for (const row of rows) {
    row.ratio = row.reqPerSec / floor.reqPerSec
    row.rssRatio = row.peakRssMiB / floor.peakRssMiB
  }
  // SHA-256 over the body is what checking the signature cannot avoid; (e) does that check and
  // nothing else, so its ratio is as far as any verifying receiver gets on this machine, measured
  // in the same rounds as the others.
  const sha256Us = sha256Micros(Buffer.concat([payload.prefix, Buffer.from(payload.suffix(0))]))
  results.payloads.push({ name: payload.name, type: payload.type, bytes: size, sha256Us, rows })
  console.table(rows.map((r) => ({
    server: `(${r.id}) ${r.name}`,
    'req/s': Math.round(r.reqPerSec),
    'vs (a)': `${r.ratio.toFixed(2)}x`,
    'p50 ms': r.p50.toFixed(1),
    'p99 ms': r.p99.toFixed(1),
    errors: r.errors,
    'server CPU µs/req': r.cpuUsPerRequest.toFixed(0),
    // What each server adds to (a) in µs moves less from host to host than the ratio does.
    'CPU vs (a)': r.id === 'a' ? '' : `${r.cpuUsPerRequest >= floor.cpuUsPerRequest ? '+' : ''}${(r.cpuUsPerRequest - floor.cpuUsPerRequest).toFixed(0)} µs`,
    'page faults/req': r.pageFaultsPerRequest.toFixed(1),
    'young gen MiB': r.newSpaceMiB,
    'peak RSS MiB': r.peakRssMiB.toFixed(0),
    'RSS vs (a)': `${r.rssRatio.toFixed(2)}x`
  })))
  // The ratios the targets are stated in, each between two rows of this run.
  const row = (id) => rows.find((r) => r.id === id)
  const ratios = {}
  // The same req/s ratio in each round apart, lowest and highest: the two servers of a round ran
  // within a minute of each other, so the spread shows how far the machine's noise moves a ratio.
  const roundRatios = {}
  for (const [name, x, y, key] of [['b/e', 'b', 'e'], ['b/a', 'b', 'a'], ['b/b-sync', 'b', 'b-sync'], ['b/c', 'b', 'c'], ['f/b', 'f', 'b'], ['g/b', 'g', 'b'], ['f/g', 'f', 'g'], ['e/a', 'e', 'a'], ['rss b/a', 'b', 'a', 'peakRssMiB']]) {
    if (row(x) === undefined || row(y) === undefined) continue
    ratios[name] = row(x)[key ?? 'reqPerSec'] / row(y)[key ?? 'reqPerSec']
    if (key === undefined) {
      const each = runs.get(x).map((r, i) => r.requests / runs.get(y)[i].requests)
      roundRatios[name] = { min: Math.min(...each), max: Math.max(...each) }
    }
  }
  results.payloads.at(-1).ratios = ratios
  results.payloads.at(-1).roundRatios = roundRatios
  process.stdout.write(`SHA-256 over this body: ${sha256Us.toFixed(1)} µs here. Ratios: ${Object.entries(ratios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}\n`)
  process.stdout.write(`The same ratios round by round, lowest to highest: ${Object.entries(roundRatios).map(([k, v]) => `${k} ${v.min.toFixed(2)} to ${v.max.toFixed(2)}`).join(', ')}\n`)
  for (const { id, redis: queued } of rows.filter((r) => r.redis !== undefined)) {
    process.stdout.write(`(${id}), Redis per event: ${queued.cpuUs.toFixed(0)} µs of CPU; ${Object.entries(queued.commands).map(([name, c]) => `${name} ${c.perEvent.toFixed(2)} per event at ${c.usPerCall.toFixed(1)} µs each`).join(', ')}\n`)
  }
}
await redis?.quit()

mkdirSync(new URL('results/', here), { recursive: true })
writeFileSync(new URL('results/latest.json', here), JSON.stringify(results, null, 2) + '\n')
process.stdout.write('\nwrote bench/results/latest.json\n')
