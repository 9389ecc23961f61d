// What bench/run.mjs and bench/breakdown.mjs share: starting a server in its own process,
// reading the CPU time it reports (servers/cpu.mjs), and running the load generator.
import { spawn, execFileSync } from 'node:child_process'

const here = new URL('.', import.meta.url)
export const secret = 'wsec_bench_secret'

/**
 * The servers npm run bench compares, in bench/servers/; `env` adds to a server's environment.
 * (d) and (g) are measured only when asked for (BENCH_SERVERS).
 */
export const benchServers = [
  { id: 'a', name: 'bare Fastify (JSON only)', file: 'servers/bare.mjs' },
  { id: 'b', name: 'fastify-elevenlabs-webhooks, async handler', file: 'servers/plugin.mjs' },
  { id: 'b-sync', name: 'fastify-elevenlabs-webhooks, sync handler', file: 'servers/plugin.mjs', env: { BENCH_HANDLER: 'sync' } },
  { id: 'c', name: 'Express 5 + official SDK', file: 'servers/express-sdk.mjs' },
  { id: 'd', name: 'proposal: (b) without fastify-raw-body', file: 'servers/plugin-parser-bytes.mjs' },
  { id: 'e', name: 'verification only, body read as (b) reads it', file: 'servers/verify-only.mjs' },
  // Needs Redis on 127.0.0.1:6379; its queue is emptied after every round (resetAfterRound), and
  // bench/run.mjs reads what Redis spent on it (redis).
  { id: 'f', name: 'queue mode: (b) writing each event to BullMQ', file: 'servers/queue.mjs', resetAfterRound: true, redis: true },
  // Only with BENCH_SERVERS naming it: the floor of (f).
  { id: 'g', name: 'floor of queue mode: (e) + one BullMQ add', file: 'servers/queue-floor.mjs', resetAfterRound: true, redis: true }
]

/** The servers named in BENCH_SERVERS (ids, comma-separated), or `defaults`' ids. */
export function selectServers (defaults) {
  const ids = process.env.BENCH_SERVERS?.split(',') ?? defaults
  const unknown = ids.filter((id) => !benchServers.some((s) => s.id === id))
  if (unknown.length > 0) throw new Error(`unknown server(s) in BENCH_SERVERS: ${unknown.join(', ')}`)
  return benchServers.filter((s) => ids.includes(s.id))
}

/** Options for node itself, given to every server (BENCH_NODE_FLAGS, space-separated). */
export const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '')

/** BENCH_PIN=1: each server on CPU 1, the load generator on CPU 0 (taskset), so that they never share a core. */
export const pinned = process.env.BENCH_PIN === '1'
const onCpu = (cpu, command, args) => pinned ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args]

/**
 * Empties the queue of a server that keeps every event in Redis ((f), (g): resetAfterRound), so
 * that neither a run of 4 MiB events fills the machine's memory nor a finished run leaves its
 * jobs in the shared Redis. Nothing for the others.
 */
export async function emptyQueue (server, port) {
  if (server.resetAfterRound === true) await fetch(`http://127.0.0.1:${port}/bench/reset`, { method: 'POST' })
}

/** Starts bench/<file> on `port`; resolves once it prints "ready". `env` adds to the environment. */
export function startServer (file, port, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(...onCpu(1, process.execPath, [...nodeFlags, new URL(file, here).pathname]), {
      env: { ...process.env, ...env, PORT: String(port), SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    child.output = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      child.output += chunk
      if (String(chunk).includes('ready')) resolve(child)
    })
  })
}

function lastCpuLine (child) {
  const line = child.output.split('\n').findLast((l) => l.startsWith('cpu '))
  return line === undefined ? undefined : JSON.parse(line.slice(4))
}

/** The server's CPU time per request since the last reset (SIGUSR2), without stopping it. */
export function cpuSoFar (child) {
  return new Promise((resolve) => {
    const before = child.output.length
    const onData = () => {
      if (!child.output.slice(before).includes('\n')) return
      child.stdout.off('data', onData)
      resolve(lastCpuLine(child))
    }
    child.stdout.on('data', onData)
    child.kill('SIGHUP')
  })
}

/** Stops a server and reads the CPU time per request it reports on SIGTERM. */
export function stopServer (child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    // 'close', not 'exit': the process may exit before its last output is read.
    child.once('close', () => resolve(lastCpuLine(child)))
    child.kill('SIGTERM')
  })
}

/**
 * Runs the load generator (load.mjs, its own process) against a server for `seconds`; every
 * request a distinct event, numbered from `start`. Resolves autocannon's summary and `next`.
 */
export function load ({ port, payload, seconds, start, connections }) {
  const config = { url: `http://127.0.0.1:${port}/webhook`, payload, secret, duration: seconds, connections, timestamp: Math.floor(Date.now() / 1000), start }
  const out = execFileSync(...onCpu(0, process.execPath, [new URL('load.mjs', here).pathname, JSON.stringify(config)]), { encoding: 'utf8', maxBuffer: 1 << 20 })
  return JSON.parse(out.trim().split('\n').pop())
}

export const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
