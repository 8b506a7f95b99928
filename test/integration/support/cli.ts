/**
 * The organizer CLI as a person runs it: the real `communique` command (cli/bin.js) in a child
 * process, pointed at a test's embedded stack through its stack file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cli/bin.js');

/** What one run of the CLI did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/**
 * Runs `communique …args` in `cwd` against the stack of `stackFile`, as `tester@example.org`;
 * `input` is piped to stdin (nothing by default).
 */
export function runCli(
  args: string[],
  options: { cwd: string; stackFile: string; input?: string; env?: Record<string, string> },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // The stack applies the handlers' environment to this process; a person's shell has none of it
    // (AWS_LAMBDA_MAX_CONCURRENCY would make Powertools in the CLI look for a Lambda InvokeStore).
    const { AWS_LAMBDA_MAX_CONCURRENCY: _handlersOnly, ...shell } = process.env;
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: {
        ...shell,
        COMMUNIQUE_STACK_FILE: options.stackFile,
        COMMUNIQUE_USER: 'tester@example.org',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh working folder for CLI runs, with a stack file that leads the CLI to `stack`. */
export async function cliFolder(
  stack: { endpoints: unknown; outputs: unknown },
  prefix: string,
): Promise<{ dir: string; stackFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const stackFile = path.join(dir, 'stack.json');
  await writeFile(stackFile, JSON.stringify({ endpoints: stack.endpoints, outputs: stack.outputs }));
  return { dir, stackFile };
}
