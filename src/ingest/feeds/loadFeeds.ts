import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { buildFeedDefinition, type FeedDefinition } from './feedDefinition.ts';

export const defaultFeedsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../feeds');

/** The feeds, by id. */
export interface FeedRegistry {
  get(id: string): FeedDefinition | undefined;
  list(): FeedDefinition[];
}

/** The precedence policy the feeds declare: variable → the departments that are its authority. */
export function authorityOf(feeds: FeedRegistry): (variable: string) => ReadonlySet<string> | undefined {
  const map = new Map<string, Set<string>>();
  for (const feed of feeds.list()) {
    for (const variable of feed.authoritativeFor) {
      const set = map.get(variable) ?? new Set<string>();
      set.add(feed.department);
      map.set(variable, set);
    }
  }
  return (variable) => map.get(variable);
}

/**
 * Loads every `*.yaml` in the feeds folder, validating each against the catalogue; one
 * invalid file refuses the whole set with a message naming it (never a partial set).
 */
export function loadFeeds(catalogue: VariableCatalogue, dir: string = defaultFeedsDir): FeedRegistry {
  const byId = new Map<string, FeedDefinition>();
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const name of files) {
    const feed = buildFeedDefinition(parse(fs.readFileSync(path.join(dir, name), 'utf8')), name, catalogue);
    const clash = byId.get(feed.id);
    if (clash) throw new Error(`${name}: id ${feed.id} 与 ${clash.file} 重复`);
    byId.set(feed.id, feed);
  }
  return { get: (id) => byId.get(id), list: () => [...byId.values()] };
}
