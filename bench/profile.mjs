// node bench/profile.mjs <file.cpuprofile>...: where a server's busy time went, from the CPU
// profiles V8 writes with --cpu-prof (BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=<dir>" on any
// bench command: one profile per server process). How long the process was idle, then shares of
// the time it was busy: by package (this package's dist/, each node_modules package, Node's own
// modules, and native code with V8's compiler and garbage collector), then the functions with the
// most time of their own, then the functions with the most time including what they called.
import { readFileSync } from 'node:fs'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node bench/profile.mjs <file.cpuprofile>...')
  process.exit(2)
}

function packageOf (url) {
  if (url === '') return '(native, V8, GC)'
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (dependency !== null) return dependency[1]
  if (url.startsWith('node:')) return 'node'
  if (url.includes('/dist/')) return 'fastify-elevenlabs-webhooks'
  return url.split('/').slice(-2).join('/')
}

const frameOf = ({ callFrame: f }) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`
const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value)

const byPackage = new Map()
const self = new Map()
const inclusive = new Map()
let busy = 0
let idle = 0
for (const file of files) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const parent = new Map()
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node)
  const time = new Map()
  samples.forEach((id, i) => add(time, id, timeDeltas[i]))
  for (const [id, us] of time) {
    const node = byId.get(id)
    if (node.callFrame.functionName === '(idle)') {
      idle += us
      continue
    }
    busy += us
    add(byPackage, packageOf(node.callFrame.url), us)
    add(self, frameOf(node), us)
    // Each function once per sample, however deep it recurses.
    const seen = new Set()
    for (let at = node; at !== undefined && at.callFrame.functionName !== '(root)'; at = parent.get(at.id)) {
      const frame = frameOf(at)
      if (!seen.has(frame)) add(inclusive, frame, us)
      seen.add(frame)
    }
  }
}

function print (title, map, rows) {
  console.log(`\n${title}`)
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${(100 * us / busy).toFixed(1).padStart(6)}%  ${name}`)
  }
}
console.log(`${files.length} profile(s): busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s (${(100 * idle / (busy + idle)).toFixed(1)}% of the time profiled)`)
print('by package (self time)', byPackage, 15)
print('functions, self time', self, 20)
print('functions, with what they called', inclusive, Number(process.env.PROFILE_ROWS ?? 60))
