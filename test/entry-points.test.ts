/**
 * The main entry never loads BullMQ (an optional peer dependency: inline users do not install
 * it); only the `./bullmq` subpath and the CLI's queue command (at run time) do. The CLI and the
 * testing kit never load Fastify (a peer the CLI does without); only their types name it.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = join(dirname(fileURLToPath(import.meta.url)), '../src')

/** Every module a file reaches through static imports (relative ones followed), with what each imports. */
function reach (entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    const text = readFileSync(file, 'utf8')
    // Static imports and re-exports only: `import('bullmq')` inside a function loads nothing until called.
    // `import type` is erased from the JavaScript: it loads nothing.
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => (m[1] ?? m[2]) as string)
    seen.set(file, specifiers)
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
    }
  }
  visit(join(src, entry))
  return seen
}

const importersOf = (graph: Map<string, string[]>, name: string): string[] =>
  [...graph].filter(([, specifiers]) => specifiers.some((s) => s === name || s.startsWith(`${name}/`))).map(([file]) => relative(src, file))

t.test('the main entry and the testing kit import nothing of bullmq, statically or through their modules', async (t) => {
  for (const entry of ['index.ts', 'testing.ts', 'bin.ts']) {
    const graph = reach(entry)
    t.ok(graph.size > 3, `${entry}: its modules were followed (${graph.size})`)
    t.same(importersOf(graph, 'bullmq'), [], entry)
  }
})

t.test('the ./bullmq subpath is where bullmq is imported', async (t) => {
  t.same(importersOf(reach('bullmq.ts'), 'bullmq').sort(), ['queue/replay.ts', 'queue/worker.ts'])
})

t.test('the CLI and the testing kit load neither Fastify nor the plugin\'s Fastify dependencies at run time', async (t) => {
  for (const entry of ['bin.ts', 'testing.ts', 'options.ts']) {
    const graph = reach(entry)
    for (const name of ['fastify', 'fastify-plugin', 'fastify-raw-body']) t.same(importersOf(graph, name), [], `${entry}: ${name}`)
    t.notOk(graph.has(join(src, 'plugin.ts')), `${entry} does not reach plugin.ts`)
  }
  t.same(importersOf(reach('index.ts'), 'fastify-raw-body'), ['plugin.ts'], 'the main entry does, through plugin.ts')
})
