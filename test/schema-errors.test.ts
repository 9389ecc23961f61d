import t from 'tap'
import { Type } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { firstFailure } from '../src/schema-errors.js'

const failure = (schema: Parameters<typeof TypeCompiler.Compile>[0], value: unknown): ReturnType<typeof firstFailure> =>
  firstFailure(TypeCompiler.Compile(schema).Errors(value))

t.test('a union reports its deepest failing variant, the first of equally deep ones', async (t) => {
  const schema = Type.Union([
    Type.Object({ a: Type.String() }),
    Type.Object({ a: Type.Object({ b: Type.Object({ c: Type.String() }) }) }),
    Type.Object({ a: Type.Object({ b: Type.String() }) })
  ])
  t.same(failure(schema, { a: { b: { c: 1 } } }), { path: '/a/b/c', message: 'Expected string' })
  t.same(failure(Type.Union([Type.Object({ x: Type.Number() }), Type.Object({ x: Type.Boolean() })]), { x: 'no' }), { path: '/x', message: 'Expected number' })
})

t.test('a union whose variants all fail at the union itself says what each wanted', async (t) => {
  t.same(failure(Type.Union([Type.String(), Type.Number(), Type.Null()]), true), { path: '', message: 'Expected string or number or null' })
  t.same(failure(Type.Object({ n: Type.Union([Type.Literal('a'), Type.Literal('b')]) }), { n: 'c' }), { path: '/n', message: "Expected 'a' or 'b'" })
})

t.test('a failure outside a union is reported as TypeBox gives it', async (t) => {
  t.same(failure(Type.Object({ id: Type.String() }), {}), { path: '/id', message: 'Expected required property' })
})
