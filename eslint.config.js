import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The core must stay free of platform libraries: they live only in their adapters.
const platformLibraries = {
  paths: ['discord.js', 'grammy', '@grammyjs/auto-retry'],
  patterns: [
    {
      group: ['discord.js/*', 'grammy/*', '@grammyjs/*', '@discordjs/*'],
      message: 'platform libraries are imported in src/platforms/discord and src/platforms/telegram only',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': ['error', platformLibraries],
    },
  },
  {
    // A command file sees the chat framework through its entry module only (and the core's plain types), so the
    // framework's inside can change without touching any command.
    files: ['commands/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...platformLibraries,
          patterns: [
            ...platformLibraries.patterns,
            {
              regex: '^\\.\\./src/(?!chat/mod\\.js$|core/)',
              message: 'commands/ imports ../src/chat/mod.js (and ../src/core/ types) only',
            },
          ],
        },
      ],
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
