import { useEffect, useState } from 'react';
import { api } from './client.ts';
import type { Area } from './types.ts';

// Area names change rarely and are public: one lookup per code for the life of the page.
const known = new Map<string, Promise<string>>();

function nameOf(code: string): Promise<string> {
  let name = known.get(code);
  if (!name) {
    name = api<Area>('GET', `/areas/${code}`)
      .then((a) => a.name)
      .catch(() => code);
    known.set(code, name);
  }
  return name;
}

/** Names for the area codes a page shows; a code stands for itself until its name arrives. */
export function useAreaNames(codes: (string | null)[]): (code: string | null) => string {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(codes.filter((c): c is string => c !== null))].sort().join(',');
  useEffect(() => {
    if (key === '') return;
    let live = true;
    const wanted = key.split(',');
    void Promise.all(wanted.map(async (code) => [code, await nameOf(code)] as const)).then((pairs) => {
      if (live) setNames((current) => ({ ...current, ...Object.fromEntries(pairs) }));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return (code) => (code === null ? '—' : (names[code] ?? code));
}
