// The compiled check of an event schema: the same verdicts and errors as TypeBox's own compile of
// the schema, written as functions small enough for V8 to optimise, without touching the schema.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { Type, type TSchema } from '@sinclair/typebox'
import { eventSchemas } from '../src/events/index.js'
import { compileEventSchema } from '../src/validator.js'

const largestFunction = (code: string): number => Math.max(...code.split(/\n(?=function )/).map((f) => f.length))

t.test('every built-in schema: each compiled function is small, where TypeBox alone writes one of over 100 KB', async (t) => {
  const plain = TypeCompiler.Code(eventSchemas.post_call_transcription)
  t.ok(largestFunction(plain) > 100_000, `TypeBox alone: ${largestFunction(plain)} characters in one function`)
  for (const [type, schema] of Object.entries(eventSchemas)) {
    const largest = largestFunction(compileEventSchema(type, schema).Code())
    t.ok(largest < 10_000, `${type}: the largest function has ${largest} characters`)
  }
})

t.test('the same verdict and the same first error as TypeBox\'s own compile, on every stored delivery and on broken copies of them', async (t) => {
  let compared = 0
  for (const file of readdirSync(new URL('deliveries/', import.meta.url))) {
    const body = JSON.parse(readFileSync(new URL(`deliveries/${file}`, import.meta.url), 'utf8')) as { type?: string, data?: Record<string, unknown> }
    const schema = (eventSchemas as Record<string, TSchema | undefined>)[body.type ?? '']
    if (schema === undefined || body.data === undefined) continue
    const plain = TypeCompiler.Compile(schema)
    const split = compileEventSchema(body.type!, schema)
    // The data as sent, then with each top-level field, in turn, of the wrong type, and each nested object field broken.
    const variants: unknown[] = [body.data]
    for (const [key, value] of Object.entries(body.data)) {
      variants.push({ ...body.data, [key]: 12 })
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const inner of Object.keys(value)) variants.push({ ...body.data, [key]: { ...value, [inner]: Symbol('no JSON value') } })
      }
    }
    for (const data of variants) {
      const verdict = plain.Check(data)
      t.equal(split.Check(data), verdict)
      if (!verdict) t.same([...split.Errors(data)][0]?.path, [...plain.Errors(data)][0]?.path)
      compared++
    }
  }
  t.ok(compared > 100, `${compared} values compared`)
})

t.test('the caller\'s schema is left as it was, and an $id of its own is kept', async (t) => {
  const before = JSON.stringify(eventSchemas.post_call_transcription)
  compileEventSchema('post_call_transcription', eventSchemas.post_call_transcription)
  t.equal(JSON.stringify(eventSchemas.post_call_transcription), before, 'no $id added to the original')
  const Inner = Type.Object({ n: Type.Number() }, { $id: 'MyInner' })
  const check = compileEventSchema('my.event', Type.Object({ inner: Inner, other: Type.Object({ s: Type.String() }) }))
  t.match(check.Code(), /function check_MyInner\(/, 'the schema\'s own $id names its function')
  t.ok(check.Check({ inner: { n: 1 }, other: { s: 'x' } }))
  t.notOk(check.Check({ inner: { n: 'one' }, other: { s: 'x' } }))
  t.equal(Inner.$id, 'MyInner')
})
