/**
 * Compiles an event schema into its check. TypeBox writes one JavaScript function per schema,
 * with every nested object inlined; for an event as wide as `post_call_transcription` that is
 * a single function of over 100 KB, past the size V8 optimises, so it would run unoptimised on
 * every event. Giving each nested object an `$id` (on a copy: the caller's schema is untouched)
 * makes TypeBox write it as a function of its own, each small enough to be optimised. What is
 * accepted, and the errors reported, are the same: an `$id` changes nothing else.
 */
import { Kind, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'

/** The keywords under which a schema holds schemas (as TypeBox 0.34 builds them). */
const SCHEMA_KEYS = new Set(['properties', 'patternProperties', 'additionalProperties', 'items', 'prefixItems',
  'anyOf', 'allOf', 'oneOf', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'])

export function compileEventSchema (type: string, schema: TSchema): TypeCheck<TSchema> {
  let count = 0
  // One copy per schema object: a sub-schema used in several places becomes one function.
  const copies = new Map<object, unknown>()
  const copy = (value: unknown, nested: boolean): unknown => {
    if (Array.isArray(value)) return value.map((item) => copy(item, nested))
    if (typeof value !== 'object' || value === null) return value
    const known = copies.get(value)
    if (known !== undefined) return known
    // Own enumerable keys, symbols included: TypeBox keeps its Kind and Optional marks there.
    const out: Record<string | symbol, unknown> = { ...value }
    copies.set(value, out)
    for (const key of Object.keys(out)) {
      if (SCHEMA_KEYS.has(key)) out[key] = key === 'properties' || key === 'patternProperties' ? copyEach(out[key]) : copy(out[key], true)
    }
    if (nested && out[Kind] === 'Object' && out.$id === undefined) out.$id = `fastify-elevenlabs-webhooks/${type}/${count++}`
    return out
  }
  const copyEach = (map: unknown): Record<string, unknown> =>
    Object.fromEntries(Object.entries(map as Record<string, unknown>).map(([key, value]) => [key, copy(value, true)]))
  return TypeCompiler.Compile(copy(schema, false) as TSchema)
}
