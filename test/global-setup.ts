import { readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { synthTemplate } from '../infra/synth.js';

/**
 * Synthesizes the stack once for the whole run; each integration file starts
 * its own stack from it. A synth error is handed on rather than thrown, so unit
 * tests still run and the integration tests fail with the error.
 */
export default function setup(project: TestProject): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  try {
    // COMMUNIQUE_TEMPLATE_FILE: run against a template synthesized elsewhere (e.g. while infra/ is mid-change).
    const file = process.env.COMMUNIQUE_TEMPLATE_FILE;
    project.provide('template', file ? readFileSync(file, 'utf8') : JSON.stringify(synthTemplate()));
  } catch (error) {
    project.provide('template', JSON.stringify({ synthError: String((error as Error).stack ?? error) }));
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    template: string;
  }
}
