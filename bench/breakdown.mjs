// npm run bench:breakdown: where the plugin's time per request goes, under the same load as
// npm run bench (autocannon in its own process, real HTTP). Each stage adds one step of the
// plugin's pipeline (servers/stages.mjs):
//   bare        (a): Fastify's own JSON route
//   parser      the plugin's route context: Fastify's Buffer parser, JSON.parse in the handler
//   rawbody     fastify-raw-body's read of the body, handed on by the plugin's own body parser
//   floor       (e) of npm run bench: rawbody + the signature check + JSON.parse; the least a
//               verifying receiver that reads the body as the plugin does can do
//   verify      rawbody + signature verification and JSON.parse in a preHandler, as the plugin
//               verifies (compare with rawbody)
//   no-idem     the whole plugin with idempotency off, a sync handler: + the envelope and schema
//               validation, the hooks, the handler, the reply
//   plugin-sync the whole plugin, default options, a sync handler (b-sync): + the duplicate check
//   plugin      the same with an async handler (b)
// Prints the median server CPU time per request over interleaved rounds, and what each stage adds;
// and, timed inside the verify stage's server, what the signature check and JSON.parse cost there.
// Environment: BENCH_ROUNDS (5), BENCH_DURATION seconds per round (4), BENCH_PAYLOADS (small).
import { cpuSoFar, load, median, startServer, stopServer } from './harness.mjs'
import { payloads } from './payloads.mjs'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const duration = Number(process.env.BENCH_DURATION ?? 4)
const only = (process.env.BENCH_PAYLOADS ?? 'small').split(',')
const stages = [
  { name: 'bare', file: 'servers/bare.mjs' },
  { name: 'parser', file: 'servers/stages.mjs' },
  { name: 'rawbody', file: 'servers/stages.mjs' },
  { name: 'floor', file: 'servers/verify-only.mjs' },
  { name: 'verify', file: 'servers/stages.mjs', after: 'rawbody' },
  { name: 'no-idem', file: 'servers/stages.mjs', stage: 'plugin-no-idempotency' },
  { name: 'plugin-sync', file: 'servers/plugin.mjs', env: { BENCH_HANDLER: 'sync' } },
  { name: 'plugin', file: 'servers/plugin.mjs' }
]

let next = 0
for (const payload of payloads().filter((p) => only.includes(p.name))) {
  const servers = []
  for (const [i, s] of stages.entries()) servers.push(await startServer(s.file, 3201 + i, { BENCH_STAGE: s.stage ?? s.name, ...s.env }))
  const run = (i, seconds) => {
    const r = load({ port: 3201 + i, payload: payload.name, seconds, start: next, connections: 10 })
    if (r.errors > 0) throw new Error(`${stages[i].name}: ${r.errors} errors on ${payload.name}`)
    next = r.next
    return r
  }
  for (const i of stages.keys()) run(i, 3) // warm-up
  const cpu = stages.map(() => [])
  const rps = stages.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < stages.length; k++) {
      const i = (k + round) % stages.length // rotate the order each round
      servers[i].kill('SIGUSR2')
      rps[i].push(run(i, duration).requests)
      cpu[i].push((await cpuSoFar(servers[i])).usPerRequest)
    }
  }
  for (const child of servers) await stopServer(child)
  const inside = servers[stages.findIndex((s) => s.name === 'verify')].output.split('\n')
    .filter((line) => line.startsWith('inside ')).map((line) => JSON.parse(line.slice(7)))
  process.stdout.write(`\n${payload.name}: median of ${rounds} rounds of ${duration} s under load\n`)
  process.stdout.write(`verify stage, timed inside the server: signature check ${median(inside.map((i) => i.verifyUs)).toFixed(1)} µs, JSON.parse ${median(inside.map((i) => i.parseUs)).toFixed(1)} µs per request\n`)
  console.table(stages.map((s, i) => ({
    stage: s.name,
    'CPU µs/req': median(cpu[i]).toFixed(0),
    'added µs': i === 0 ? '' : (median(cpu[i]) - median(cpu[s.after === undefined ? i - 1 : stages.findIndex((t) => t.name === s.after)])).toFixed(0),
    'req/s': Math.round(median(rps[i])),
    'vs bare': `${(median(rps[i]) / median(rps[0])).toFixed(2)}x`,
    'CPU µs/req each round': cpu[i].map((c) => c.toFixed(0)).join(' ')
  })))
}
