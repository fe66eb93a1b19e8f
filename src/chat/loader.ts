/**
 * Loads every command file in commands/ (the top-level folder): adding a command is adding a file there that
 * default-exports defineCommand({...}). Definitions are checked against both platforms' rules at load time, so
 * a bad definition stops start-up with a clear message instead of failing at registration.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { CommandDefinition } from './definition.js';

/** commands/ next to src/ (also in dist/, where this file is dist/src/chat/loader.js). */
const COMMANDS_DIR = fileURLToPath(new URL('../../commands/', import.meta.url));

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function checkDefinition(definition: CommandDefinition, file = definition.name): void {
  const where = `commands/${file}`;
  if (!NAME.test(definition.name))
    throw new Error(`${where}: command name "${definition.name}" must be 1–32 lowercase letters, digits or _`);
  if (!definition.description || definition.description.length > 100)
    throw new Error(`${where}: description must be 1–100 characters`);
  if (definition.options.length > 25) throw new Error(`${where}: at most 25 options`);
  const seen = new Set<string>();
  let optional = false;
  for (const option of definition.options) {
    if (!NAME.test(option.name))
      throw new Error(`${where}: option name "${option.name}" must be 1–32 lowercase letters, digits or _`);
    if (seen.has(option.name)) throw new Error(`${where}: option "${option.name}" is declared twice`);
    seen.add(option.name);
    if (!option.description || option.description.length > 100)
      throw new Error(`${where}: option "${option.name}" needs a description of 1–100 characters`);
    // Discord requires required options first; the text form reads positionals in the same order.
    if (option.required && optional)
      throw new Error(`${where}: required option "${option.name}" comes after an optional one`);
    if (!option.required) optional = true;
  }
}

function isDefinition(value: unknown): value is CommandDefinition {
  const v = value as Partial<CommandDefinition> | undefined;
  return typeof v?.name === 'string' && typeof v.handler === 'function' && Array.isArray(v.options);
}

/** Imports each .ts/.js file of `dir` (not .d.ts, not tests) and returns the definitions sorted by name. */
export async function loadCommands(dir = COMMANDS_DIR): Promise<CommandDefinition[]> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.d\.ts$|\.test\./.test(f)).sort();
  const definitions: CommandDefinition[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    const definition = module.default;
    if (!isDefinition(definition))
      throw new Error(`commands/${file} must default-export defineCommand({ name, description, options, handler, … })`);
    checkDefinition(definition, file);
    if (definitions.some((d) => d.name === definition.name))
      throw new Error(`commands/${file}: a command named "${definition.name}" already exists`);
    definitions.push(definition);
  }
  return definitions.sort((a, b) => a.name.localeCompare(b.name));
}
