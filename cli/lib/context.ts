/**
 * What every command receives: output settings, the global options, and the target stack,
 * resolved on first use so that input is validated before anything is contacted.
 */
import { userInfo } from 'node:os';
import type { Io } from './output.js';
import type { Target, TargetOptions } from './target.js';

/** Options accepted by every command (see main.ts). */
export interface GlobalOptions extends TargetOptions {
  json?: boolean;
  conference: string;
  by?: string;
}

export interface Context {
  io: Io;
  globals: GlobalOptions;
  /** The conference commands act on (`--conference`, default dushanbe-2022). */
  conference: string;
  /** Who is acting, recorded as `requestedBy` and on suppression lifts. */
  by: string;
  /** Resolves (once) and returns the target stack. */
  target(): Promise<Target>;
  /** The target if it was resolved, for error mapping and cleanup. */
  resolved(): Target | undefined;
}

/** The organizer's name as recorded on what they request: --by, $COMMUNIQUE_USER, or the login. */
export function actor(globals: GlobalOptions): string {
  if (globals.by?.trim()) return globals.by.trim();
  if (process.env.COMMUNIQUE_USER?.trim()) return process.env.COMMUNIQUE_USER.trim();
  try {
    return `${userInfo().username}@cli`;
  } catch {
    return 'organizer@cli';
  }
}

export function makeContext(io: Io, globals: GlobalOptions): Context {
  let target: Target | undefined;
  let pending: Promise<Target> | undefined;
  return {
    io,
    globals,
    conference: globals.conference,
    by: actor(globals),
    target: () => {
      // Loaded on use: the AWS clients are the slowest part of starting the CLI.
      // A failure is not kept: the next call tries again.
      pending ??= import('./target.js')
        .then(async ({ resolveTarget }) => {
          const t = await resolveTarget(globals);
          target = t;
          return t;
        })
        .catch((error: unknown) => {
          pending = undefined;
          throw error;
        });
      return pending;
    },
    resolved: () => target,
  };
}
