import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'node_modules/**', '.tap/**', 'coverage/**']
  }),
  {
    rules: {
      // TypeBox's idiom: a schema value and its Static type share one name. tsc catches real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
