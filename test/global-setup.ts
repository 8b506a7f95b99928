import type { TestProject } from 'vitest/node';
import { synthTemplate } from '../infra/synth.js';

/** Synthesizes the stack once for the whole run; each integration file starts its own stack from it. */
export default function setup(project: TestProject): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  project.provide('template', JSON.stringify(synthTemplate()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    template: string;
  }
}
