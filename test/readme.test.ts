// The README is code that runs: every ```ts block in it is type-checked as a module of its own,
// with the settings a strict user has (exactOptionalPropertyTypes among them), against this
// package's sources. A snippet declares what it uses; nothing is prepended to it. A block whose
// first line is a file-name comment (`// handlers.ts`) is written under that name, so that
// another block can import it (`./handlers.js`), as the README's multi-file examples do.
// All blocks are one program, for speed: a module augmentation in one (custom events) is seen by all.
import t from 'tap'
import ts from 'typescript'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

interface Snippet {
  /** 1-based README line of the block's first line of code. */
  line: number
  name: string
  code: string
}

/** The ```ts blocks of a Markdown text, each with the line it starts on. */
function tsBlocks (markdown: string): Snippet[] {
  const blocks: Snippet[] = []
  let open: { line: number, lines: string[] } | undefined
  for (const [index, text] of markdown.split('\n').entries()) {
    if (open === undefined) {
      if (/^```ts\s*$/.test(text)) open = { line: index + 2, lines: [] }
    } else if (/^```\s*$/.test(text)) {
      const code = open.lines.join('\n') + '\n'
      const named = /^\/\/ ([\w-]+\.ts)\n/.exec(code)?.[1]
      blocks.push({ line: open.line, name: named ?? `readme-${open.line}.ts`, code })
      open = undefined
    } else {
      open.lines.push(text)
    }
  }
  return blocks
}

function compilerOptions (): ts.CompilerOptions {
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root)
  const { outDir, rootDir, declaration, sourceMap, ...options } = config.options
  return {
    ...options,
    exactOptionalPropertyTypes: true, // users have it: snippets must compile under it
    noEmit: true,
    allowImportingTsExtensions: true,
    paths: {
      'fastify-elevenlabs-webhooks': [join(root, 'src/index.ts')],
      'fastify-elevenlabs-webhooks/testing': [join(root, 'src/testing.ts')],
      'fastify-elevenlabs-webhooks/bullmq': [join(root, 'src/bullmq.ts')]
    }
  }
}

t.test('every ```ts block of the README type-checks as a module of its own', async (t) => {
  const snippets = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'))
  t.ok(snippets.length >= 10, `found ${snippets.length} ts blocks`)
  t.equal(new Set(snippets.map((s) => s.name)).size, snippets.length, 'each block has a file name of its own')

  // Inside the repository, so that node_modules resolve; ES modules, for top-level await.
  const dir = mkdtempSync(join(root, '.readme-snippets-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n')
  for (const snippet of snippets) writeFileSync(join(dir, snippet.name), snippet.code)

  const options = compilerOptions()
  const program = ts.createProgram(snippets.map((s) => join(dir, s.name)), options)
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }
  t.equal(ts.formatDiagnostics([...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()], host), '', 'the compiler options are valid')

  for (const snippet of snippets) {
    // A root file of the program: always there.
    const file = program.getSourceFile(join(dir, snippet.name)) as ts.SourceFile
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
      // A diagnostic of a file has a position in it; the README line is the block's plus the snippet's.
      const at = file.getLineAndCharacterOfPosition(d.start as number)
      return `README.md:${snippet.line + at.line}:${at.character + 1} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
    })
    t.same(diagnostics, [], `README.md:${snippet.line} (${snippet.name}) type-checks${diagnostics.map((m) => `\n  ${m}`).join('')}`)
  }
})
