import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // The core must stay free of platform libraries: they live only in their adapters.
      'no-restricted-imports': ['error', { paths: ['discord.js', 'grammy', '@grammyjs/auto-retry'] }],
    },
  },
  {
    files: ['src/platforms/discord/**', 'src/platforms/telegram/**', 'tests/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/cli/**', 'src/platforms/console/**', 'bench/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
);
