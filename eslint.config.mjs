import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** `^(../)+(a|b)(/|$)`: an import reaching the top-level folders (or files) a, b of src/. */
const up = (...dirs) => `^(\\.\\./)+(${dirs.join('|')})(/|$)`;
const restrict = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export function layerBoundaries() {
  return [
    // A feature imports no other feature: a sibling folder is `../<other>`; shared pieces live below (src/http, src/presenters…).
    restrict(['src/features/**/*.ts'], [
      { regex: '^\\.\\./(?!\\.\\./)[^/]', message: 'A feature may not import another feature: move the shared piece down (src/http, src/presenters, src/queries, src/lib).' },
      { regex: up('features') + '|' + up('app', 'server'), message: 'A feature may not import another feature or the app.' },
    ]),
    // Shared HTTP infrastructure sits below every feature.
    restrict(['src/http/**/*.ts'], [{ regex: up('features', 'app', 'server'), message: 'src/http is below the features: it may not import them.' }]),
    // Pure rules: no persistence, no HTTP, no operations.
    restrict(['src/domain/**/*.ts'], [
      { regex: up('models', 'db', 'features', 'http', 'commands', 'queries', 'presenters', 'jobs', 'outbox', 'app', 'server'), message: 'src/domain holds pure rules: no models, database, commands, queries or HTTP.' },
    ]),
    // Below the HTTP layer: PDFs, Excel, jobs and the outbox use these without importing upward.
    restrict(['src/{commands,queries,models,presenters,jobs,outbox,notifications,policies,audit,procedure,pdf}/**/*.ts'], [
      { regex: up('features', 'http', 'app', 'server'), message: 'Below the HTTP layer: no imports of src/features or src/http.' },
    ]),
    // A migration does forever what it did when it ran: it imports no live code (src/db/migrations/lib and src/audit/keys excepted).
    restrict(['src/db/migrations/**/*.ts'], [
      {
        regex: up('domain', 'models', 'commands', 'features', 'http', 'queries', 'presenters', 'policies', 'jobs', 'outbox', 'procedure', 'lib', 'app', 'server'),
        message: 'A migration may not import live code: freeze what it needs into the migration or src/db/migrations/lib/.',
      },
      { regex: '^(\\.\\./)+audit/(?!keys$)', message: 'A migration may import only src/audit/keys from src/audit.' },
    ]),
  ];
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'public/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  // Layer boundaries (docs/ARCHITECTURE.md "Layers"). src imports are relative, so each pattern
  // matches any number of `../` followed by a top-level folder of src/. One block per layer: the
  // rule's options of a later block would replace, not extend, those of an earlier one.
  ...layerBoundaries(),
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['**/*.cjs', '*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
