import type { RulePool } from '../evaluate/explainPolicies.ts';

export interface PoolLoadFailure {
  at: string;
  message: string;
}

/**
 * The pool a running server matches with. A reload that fails leaves the last good pool
 * active and keeps the failure for the console to show: a broken policy file must never take
 * the welfare pool away from the staff using it.
 */
export class PoolHolder {
  #pool: RulePool;
  #loadedAt: string;
  #lastFailure: PoolLoadFailure | null = null;
  readonly #load: () => RulePool;

  constructor(load: () => RulePool) {
    this.#load = load;
    this.#pool = load();
    this.#loadedAt = new Date().toISOString();
  }

  get pool(): RulePool {
    return this.#pool;
  }

  get status(): { version: string; loadedAt: string; policies: number; lastFailure: PoolLoadFailure | null } {
    return {
      version: this.#pool.version,
      loadedAt: this.#loadedAt,
      policies: this.#pool.policies.length,
      lastFailure: this.#lastFailure,
    };
  }

  /** Loads the files again; on error keeps the pool in use and returns the error. */
  reload(): { ok: true; version: string } | { ok: false; error: PoolLoadFailure } {
    try {
      const pool = this.#load();
      this.#pool = pool;
      this.#loadedAt = new Date().toISOString();
      this.#lastFailure = null;
      return { ok: true, version: pool.version };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /^([^:\s]+:\d+):/.exec(message)?.[1] ?? '';
      this.#lastFailure = { at, message };
      return { ok: false, error: this.#lastFailure };
    }
  }
}
