import type { LocalStack } from '../local/stack.js';

/** Placeholder: the demo conference is loaded by a later step. */
export async function loadDemo(_stack: LocalStack): Promise<void> {}
