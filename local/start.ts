/**
 * `npm start`: the embedded stack in the foreground on fixed ports, the stack's
 * handlers running against it, and the demo conference loaded.
 */
import { rm } from 'node:fs/promises';
import { inProcessProducer, startDefaultLocalStack } from './default-stack.js';

const started = Date.now();
let running: Awaited<ReturnType<typeof startDefaultLocalStack>>;
try {
  running = await startDefaultLocalStack((message, detail) =>
    console.error(`[local] ${message}`, detail instanceof Error ? detail.message : (detail ?? '')),
  );
} catch (error) {
  console.error(`Could not start the local stack: ${(error as Error).message}`);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(String(error))) {
    console.error(
      'A port is taken — is another `npm start` running? Ports can be changed with COMMUNIQUE_*_PORT.',
    );
  }
  process.exit(2);
}
const { stack, outbox, stackFile } = running;

let demo = '';
if (process.env.COMMUNIQUE_DEMO !== '0') {
  const { loadDemo, demoLoadedLine, DEMO_NEXT_STEPS } = await import('../demo/load.js');
  const { applyEvents } = await import('../functions/events/producer.js');
  const target = inProcessProducer(stack);
  const ms = await loadDemo((events, what) => applyEvents(target, events, what));
  demo = `  ${demoLoadedLine(ms)}\n\n${DEMO_NEXT_STEPS}`;
}

const { startConsoleServer, localApiDeps } = await import('./console.js');
const consolePort = Number(process.env.COMMUNIQUE_CONSOLE_PORT || 8020);
const consoleServer = await startConsoleServer({
  deps: localApiDeps(stack),
  port: consolePort,
  onSignIn: (fresh) => console.log(`[console] signed in; a fresh one-time sign-in link: ${fresh}`),
}).catch((error: Error) => {
  console.error(
    `Could not start the console on 127.0.0.1:${consolePort}: ${error.message} (set COMMUNIQUE_CONSOLE_PORT).`,
  );
  return undefined;
});

console.log(
  [
    `communiqué local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  SQS/SNS   ${stack.endpoints.sqs}`,
    `  DynamoDB  ${stack.endpoints.dynamodb}`,
    `  SES       ${stack.endpoints.ses}   outbox: ${stack.endpoints.ses}/  (GET /store lists sent mail)`,
    `  .eml      ${outbox}`,
    `  unsubscribe ${stack.endpoints.unsubscribe}`,
    `  rsvp      ${stack.endpoints.rsvp}   (invitees' answers; read them with: npx communique invitees answers)`,
    consoleServer
      ? `  console   ${consoleServer.signInUrl()}   (open it to sign in; one-time link, loopback only)`
      : '',
    demo,
    'Ctrl-C stops it; state lives in memory and the next start begins afresh.',
  ]
    .filter((line) => line !== '')
    .join('\n'),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await consoleServer?.close();
  await stack.stop();
  await rm(stackFile, { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
