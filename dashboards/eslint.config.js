// Lint of the dashboards' code (src/ and tests/, `npm run lint`, no warning allowed): the
// recommended rules of ESLint, typescript-eslint and eslint-plugin-vue, with `any` an error so
// that every API answer keeps the type generated from openapi.json. The plugin's
// `no-layout-rules` leaves the templates' layout (dense table rows) to the authors.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

export default defineConfig([
  globalIgnores(['dist/', 'artefacts/', 'node_modules/', 'src/api-schema.d.ts']),
  {
    files: ['src/**/*.ts', 'src/**/*.vue', 'tests/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended, vue.configs['flat/recommended'], vue.configs['no-layout-rules']],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: { parser: tseslint.parser },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // TypeScript checks names itself (vue-tsc), and knows the browser's globals; ESLint's
    // no-undef does not, and typescript-eslint turns it off for .ts files only.
    files: ['src/**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Pages are reached through the router (router.ts imports them), never written as a tag,
    // so their one-word names cannot clash with an HTML element.
    files: ['src/views/**/*.vue'],
    rules: { 'vue/multi-word-component-names': 'off' },
  },
]);
