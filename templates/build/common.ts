/**
 * What every stage of the template build shares: where the sources are, the reference language,
 * and how problems are collected and reported (`file:line: message`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Default source folder (`templates/`, the parent of this file's folder). */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Default output folder. */
export const DIST_DIR = path.join(TEMPLATES_DIR, 'dist');
/** English is the reference every catalog is checked against, and the fallback. */
export const REFERENCE_LANGUAGE = 'en';

/** One problem found by the build, located in a source file. */
export interface BuildProblem {
  readonly file: string;
  readonly line: number | null;
  readonly message: string;
}

/** Thrown when the build finds problems; `message` lists them as `file:line: message`. */
export class TemplateBuildError extends Error {
  readonly problems: readonly BuildProblem[];

  constructor(problems: readonly BuildProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'TemplateBuildError';
    this.problems = problems;
  }
}

function formatProblem(problem: BuildProblem): string {
  const file = path.relative(process.cwd(), problem.file) || problem.file;
  return `${file}${problem.line === null ? '' : `:${problem.line}`}: ${problem.message}`;
}

/** Collects every problem of a build, so all are reported at once. */
export class Problems {
  readonly list: BuildProblem[] = [];
  add(file: string, line: number | null, message: string): void {
    this.list.push({ file, line, message });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new TemplateBuildError(this.list);
  }
}
