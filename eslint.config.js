// ESLint (flat config): type-aware checks the compiler does not make. Promises: one left floating
// (a rejection nobody handles) or passed where a void callback is expected (an event handler that
// returns a promise) is a bug in an engine that must always end and always clean up. React: the
// rules of hooks in the renderer. Formatting is Prettier's job, not ESLint's.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'docs/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      // Each file is checked with the tsconfig nearest to it (shared/, renderer/ or the root one).
      parserOptions: { projectService: { allowDefaultProject: ['build/electronegativity.ts', 'vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
