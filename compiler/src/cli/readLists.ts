// `--lists FILE.json` of `axiru eval` and `axiru replay`: the organisation's lists, as the server
// keeps them, for policies that test `in list NAME`.
import { readSource, UsageError } from './readSource.js';

/** Reads `--lists FILE.json`: `{ "NAME": ["value", ...], ... }`, checked value by value. */
export function readLists(path: string): Record<string, string[]> {
  const text = readSource(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--lists ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--lists ${path} must be a JSON object of lists, e.g. {"vip_customers": ["cus_1", "cus_2"]}`);
  }
  const lists: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(parsed)) {
    if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
      throw new UsageError(`--lists ${path}: list "${name}" must be an array of strings`);
    }
    lists[name] = values as string[];
  }
  return lists;
}

