/**
 * Building blocks shared by the event `data` schemas.
 *
 * House rules for every schema in `src/events` (a receiver that rejects a real event loses it:
 * ElevenLabs never retries a 4xx):
 * - strict about types, lenient about presence: only what identifies an event is required;
 * - additional properties are allowed everywhere (ElevenLabs adds fields over time);
 * - open-ended strings (status, role, reasons…) are plain strings, their known values in the description;
 * - a field the docs or the official SDK show as possibly `null` accepts `null`.
 */
import { Type, type SchemaOptions, type TNull, type TSchema, type TUnion, type TUnsafe } from '@sinclair/typebox'

/** `schema` or `null`: for the fields ElevenLabs documents (or its SDK types) as possibly null. */
export function Nullable<T extends TSchema> (schema: T, options?: SchemaOptions): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()], options)
}

/**
 * A JSON object whose keys and values are not pinned down (provider bodies, overrides, free-form
 * maps). Typed as a record of unknowns, checked only for being an object: a `Type.Record` of
 * unknowns would compile to a walk over every key (`Object.entries` and a pattern test per key)
 * that can reject nothing a JSON object can hold, paid on every event.
 */
export function LooseObject (options: SchemaOptions): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>(Type.Object({}, { ...options, additionalProperties: true }))
}
