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
  #pool: RulePool | undefined;
  #loadedAt = '';
  #lastFailure: PoolLoadFailure | null = null;
  readonly #load: () => RulePool;

  /**
   * `eager` loads now, so that a server refuses to start on a broken pool; otherwise the pool
   * loads on first use (each test file builds an app, most never match a household).
   */
  constructor(load: () => RulePool, options: { eager?: boolean } = {}) {
    this.#load = load;
    if (options.eager) this.#current();
  }

  #current(): RulePool {
    if (!this.#pool) {
      this.#pool = this.#load();
      this.#loadedAt = new Date().toISOString();
    }
    return this.#pool;
  }

  get pool(): RulePool {
    return this.#current();
  }

  get status(): { version: string; loadedAt: string; policies: number; lastFailure: PoolLoadFailure | null } {
    const pool = this.#current();
    return {
      version: pool.version,
      loadedAt: this.#loadedAt,
      policies: pool.policies.length,
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
