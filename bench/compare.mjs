// node bench/compare.mjs <other checkout>: this tree's plugin server (b) against the same server of
// another checkout of this repository (built: its dist/ present), beside bare Fastify, in
// interleaved rounds on one payload. For A/B measurements of a change:
//   git worktree add /tmp/before <commit> && (cd /tmp/before && ln -s "$PWD/node_modules" . && npx tsc -p tsconfig.build.json)
// Environment: BENCH_PAYLOADS (one name, default small), BENCH_ROUNDS (5), BENCH_DURATION (4).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { load, median, startServer, stopServer } from './harness.mjs'

const other = process.argv[2]
if (other === undefined || !existsSync(resolve(other, 'dist/index.js'))) {
  process.stderr.write('usage: node bench/compare.mjs <another checkout of this repository, built (dist/index.js)>\n')
  process.exit(2)
}
const payload = process.env.BENCH_PAYLOADS ?? 'small'
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const seconds = Number(process.env.BENCH_DURATION ?? 4)
const servers = [
  { name: 'this tree', file: new URL('servers/plugin.mjs', import.meta.url).pathname, port: 3201 },
  { name: other, file: resolve(other, 'bench/servers/plugin.mjs'), port: 3202 },
  { name: 'bare Fastify', file: new URL('servers/bare.mjs', import.meta.url).pathname, port: 3203 }
]
let next = 1
for (const server of servers) {
  server.child = await startServer(server.file, server.port)
  server.results = []
  next = load({ port: server.port, payload, seconds: 2, start: next, connections: 10 }).next + 1
}
for (let round = 0; round < rounds; round++) {
  // The order rotates each round, so that no server always runs right after another.
  for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
    const result = load({ port: server.port, payload, seconds, start: next, connections: 10 })
    next = result.next + 1
    server.results.push(result.requests)
  }
}
for (const server of servers) stopServer(server.child)
const [mine, theirs, bare] = servers.map((server) => median(server.results))
for (const server of servers) process.stdout.write(`${server.name}: median ${median(server.results)} req/s (rounds: ${server.results.join(', ')})\n`)
process.stdout.write(`${payload}: this tree ${(mine / theirs).toFixed(2)}x of ${other}; vs bare Fastify ${(mine / bare).toFixed(2)}x and ${(theirs / bare).toFixed(2)}x\n`)
