// `axiru lists show|set|add|remove`: the organisation's lists from the command line, through
// the same service as the API, so each change is sealed as a `list` record (actor `cli`).

import { readFileSync } from 'node:fs';
import { CliError, pickOrg, run, withStore, type StoreFlags } from './cliActions.js';
import type { CliIo } from './cli.js';
import { ApiError } from './errors.js';
import { LIST_NAME, ListService, MAX_LIST_VALUES, type ListChangeResult } from './services/lists.js';

export interface ListsOptions extends StoreFlags {
  readonly org?: string;
  readonly json?: boolean;
  readonly file?: string;
}

const MAX_VALUE_LENGTH = 256;
const CONTROL = /[\u0000-\u001F\u007F]/;

function checkName(name: string): void {
  if (!LIST_NAME.test(name)) {
    throw new CliError(`list name ${JSON.stringify(name)}: use letters, digits and _, not starting with a digit, at most 64 characters`);
  }
}

function checkValues(values: readonly string[]): void {
  for (const value of values) {
    if (value.length === 0 || value.length > MAX_VALUE_LENGTH || CONTROL.test(value)) {
      throw new CliError(`value ${JSON.stringify(value)}: a value has 1 to ${MAX_VALUE_LENGTH} characters without control characters`);
    }
  }
  if (values.length > MAX_LIST_VALUES) throw new CliError(`${values.length} values: a list holds at most ${MAX_LIST_VALUES}`);
}

/** The values of a command: its arguments, then those of --file (a JSON array of strings, or one value a line). */
function valuesOf(args: readonly string[], file: string | undefined): string[] {
  const values = [...args];
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`--file: cannot read ${file}`);
    }
    if (text.trimStart().startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new CliError(`--file: ${file} is not valid JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(parsed) || !parsed.every((value) => typeof value === 'string')) {
        throw new CliError(`--file: ${file} must hold a JSON array of strings`);
      }
      values.push(...parsed);
    } else {
      values.push(...text.split(/\r?\n/).filter((line) => line.length > 0));
    }
  }
  checkValues(values);
  return values;
}

function change(io: CliIo, options: ListsOptions, name: string, work: (lists: ListService, orgId: string) => Promise<ListChangeResult>): Promise<void> {
  return run(io, () => withStore(options, async (store) => {
    checkName(name);
    const org = await pickOrg(store, options.org);
    try {
      io.out(JSON.stringify(await work(new ListService(store), org.id)));
    } catch (error) {
      if (error instanceof ApiError) throw new CliError(error.message);
      throw error;
    }
  }));
}

export function listsShow(io: CliIo, name: string | undefined, options: ListsOptions): Promise<void> {
  return run(io, () => withStore(options, async (store) => {
    const org = await pickOrg(store, options.org);
    const lists = new ListService(store);
    if (name === undefined) {
      const all = await lists.all(org.id);
      for (const list of all) {
        io.out(options.json ? JSON.stringify(list) : `${list.name}  v${list.version}  ${list.size} values  ${list.updated_at}`);
      }
      if (all.length === 0 && !options.json) io.out('no lists');
      return;
    }
    checkName(name);
    const found = await lists.get(org.id, name);
    if (!found) throw new CliError(`${org.id} has no list named "${name}"; create it with: axiru lists set ${name} VALUE…`);
    if (options.json) io.out(JSON.stringify(found));
    else for (const value of found.values) io.out(value);
  }));
}

export function listsSet(io: CliIo, name: string, values: readonly string[], options: ListsOptions): Promise<void> {
  return change(io, options, name, (lists, orgId) => lists.set(orgId, 'cli', name, valuesOf(values, options.file)));
}

export function listsAdd(io: CliIo, name: string, values: readonly string[], options: ListsOptions): Promise<void> {
  return change(io, options, name, (lists, orgId) => {
    const all = valuesOf(values, options.file);
    if (all.length === 0) throw new CliError('give the values to add (arguments or --file)');
    return lists.add(orgId, 'cli', name, all);
  });
}

export function listsRemove(io: CliIo, name: string, value: string, options: ListsOptions): Promise<void> {
  return change(io, options, name, (lists, orgId) => {
    checkValues([value]);
    return lists.remove(orgId, 'cli', name, value);
  });
}
