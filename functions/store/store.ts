/**
 * The store, one import for its callers. Each part lives in its own file: the table helpers
 * (table.ts), the upstream projections (conferences.ts), mailings, deliveries, suppressions,
 * rejections; the allowed state moves are named in transitions.ts.
 */
export * from './conferences.js';
export * from './deliveries.js';
export { wasProcessed } from './event-claims.js';
export * from './mailings.js';
export * from './rejections.js';
export * from './suppressions.js';
export * from './table.js';
