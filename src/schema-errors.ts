/**
 * The one validation error worth reporting. TypeBox reports a failed union (every `Nullable`
 * field is one) at the union itself, "Expected union value", which names neither the field
 * inside that broke nor what was expected; this descends into the variants and reports the
 * deepest failure. Messages are TypeBox's: they name the schema's rule, never the value.
 */
import { ValueErrorType, type ValueError, type ValueErrorIterator } from '@sinclair/typebox/errors'

export interface SchemaFailure {
  /** JSON pointer of the failing value, relative to what was checked ('' for the value itself). */
  path: string
  message: string
}

const depth = (path: string): number => path === '' ? 0 : path.split('/').length

function innermost (error: ValueError): SchemaFailure {
  if (error.type !== ValueErrorType.Union) return { path: error.path, message: error.message }
  // The union failed, so each of its variants did: each yields at least one error.
  const variants = error.errors.map((iterator) => innermost(iterator.First()!))
  let deepest: SchemaFailure | undefined
  for (const variant of variants) {
    if (depth(variant.path) > depth(error.path) && (deepest === undefined || depth(variant.path) > depth(deepest.path))) deepest = variant
  }
  if (deepest !== undefined) return deepest
  // Every variant failed at the union itself (a number where a string or null belongs): say what each wanted.
  const wanted = [...new Set(variants.map((v) => v.message.replace(/^Expected /, '')))]
  return { path: error.path, message: `Expected ${wanted.join(' or ')}` }
}

/** The innermost failure of a value that failed its check (`errors` yields at least one). */
export function firstFailure (errors: ValueErrorIterator): SchemaFailure {
  return innermost(errors.First()!)
}
