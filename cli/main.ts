/**
 * `communique`: the organizer CLI. Commands are declared here with commander; their work lives in
 * `commands/`. Every command ends in one of the exit codes of `lib/errors.ts` (documented in
 * docs/cli.md), and every failure is reported in words a person can act on — as JSON on stdout too
 * when `--json` is given, so a script never has to parse prose.
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
// The kind registry loads no other runtime code, so `--help` still loads no schema code.
import { MAIL_KINDS, MAILING_KINDS } from '../functions/kinds/index.js';
import { type Context, type GlobalOptions, makeContext } from './lib/context.js';
import { CliError, ExitCode } from './lib/errors.js';
import { ioFrom, printJson } from './lib/output.js';
import type { Target } from './lib/target.js';

// The language registry is written by the template build, and commands that render build it when
// it is missing; help must not need it (nor try to load it then: a failed import stays failed).
const LANGUAGE_LIST = existsSync(new URL('../templates/dist/languages.js', import.meta.url))
  ? (await import('../functions/render/languages.js')).LANGUAGE_CODES.join(', ')
  : 'a language with a catalog';

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  refused: invalid input, unknown id, empty audience, an event the stack rejected
  2  usage: unknown command or option, missing argument
  3  the stack cannot be reached: \`npm start\` not running, no AWS credentials, timed out

Examples:
  npx communique mailing create --kind invitation --audience roles=delegate
  npx communique mailing status <ID> --watch
  npx communique deliveries <ID> --state bounced --json
  npx communique events send event.json
  npx communique clock set 2022-10-17T09:00:00+05:00

The full guide is docs/cli.md.`;

/** Reports an error and returns the exit code it ends in. */
async function report(ctx: Context | undefined, error: unknown, json: boolean): Promise<number> {
  const { asUnreachable } = await import('./lib/target.js');
  const unreachable = asUnreachable(ctx?.resolved() as Target | undefined, error);
  let failure: CliError;
  if (error instanceof CliError) failure = error;
  else if (unreachable) failure = unreachable;
  else {
    const e = error as { name?: string; message?: string; $metadata?: unknown };
    // An AWS answer we did not expect (AccessDenied, say) is still the person's to act on.
    const prefix = e.$metadata ? `AWS answered ${e.name ?? 'an error'}: ` : 'Unexpected error: ';
    failure = new CliError(`${prefix}${e.message ?? String(error)}`, ExitCode.refused);
    if (process.env.COMMUNIQUE_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  }
  if (json) printJson({ error: { message: failure.message, exitCode: failure.exitCode, ...failure.detail } });
  process.stderr.write(`✗ ${failure.message}\n`);
  return failure.exitCode;
}

/** Wraps a command body: builds the context, runs it, maps failures to exit codes, closes clients. */
function action<A extends unknown[]>(
  body: (ctx: Context, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals() as GlobalOptions;
    const ctx = makeContext(ioFrom(globals), globals);
    try {
      await body(ctx, ...(args.slice(0, -1) as A));
    } catch (error) {
      process.exitCode = await report(ctx, error, globals.json === true);
    } finally {
      ctx.resolved()?.close();
    }
  };
}

// Command modules load on use: each pulls in AWS clients or the renderer, and `--help` needs none.
const events = () => import('./commands/events.js');
const mailings = () => import('./commands/mailing.js');
const inspect = () => import('./commands/inspect.js');
const contacts = () => import('./commands/contacts.js');
const invitees = () => import('./commands/invitees.js');
const previews = () => import('./commands/preview.js');
const clocks = () => import('./commands/clock.js');

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The command tree. */
export function buildProgram(): Command {
  const program = new Command('communique')
    .description('Organizer CLI of communiqué: conference mailings through SQS → Lambda → SES.')
    .option('--json', 'machine-readable output on stdout')
    .option('--conference <id>', 'conference to act on', 'dushanbe-2022')
    .option('--by <name>', 'who is acting (recorded as requestedBy); default $COMMUNIQUE_USER or your login')
    .option('--local-stack <file>', 'local stack file (default .local/stack.json, or $COMMUNIQUE_STACK_FILE)')
    .option('--stack <name>', 'target a deployed CloudFormation stack (uses your AWS credentials)')
    .option('--region <region>', 'AWS region of --stack (default: AWS_REGION / your profile)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);

  const eventsCommand = program.command('events').description('send events to the intake queue');
  eventsCommand
    .command('send')
    .description('validate events locally, then queue them and report what the stack did with each')
    .argument('<file>', 'JSON event, JSON array of events, or one event per line; - reads stdin')
    .option('--no-wait', 'queue and return without waiting for the outcome')
    .action(
      action(async (ctx, file: string, options: { wait: boolean }) =>
        (await events()).eventsSend(ctx, file, options),
      ),
    );

  const mailingCommand = program
    .command('mailing')
    .description('create, test, confirm, watch, cancel, resume and resend a mailing');
  mailingCommand
    .command('create')
    .description('dry run (recipients per language, sample subjects, rendered samples), then confirm')
    .addOption(
      new Option('--kind <kind>', `kind of mailing: ${MAILING_KINDS.join(', ')}`).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--audience <filters>',
        'who: roles=…,languages=…,countries=…,sessions=…,contacts=…,groups=…,rsvp=… (a bare value continues the previous filter), or "all"; an invitation goes to invitees unless roles or sessions are given',
      )
        .argParser(collect)
        .makeOptionMandatory(),
    )
    .option(
      '--content <file.md>',
      'subject and body per language (required for announcement and media-advisory)',
    )
    .option('--send-at <iso>', 'send later, e.g. 2022-10-11T09:00:00+05:00')
    .option('--id <id>', 'mailing id (default: <kind>-<date>-<time>-<random>)')
    .option('--yes', 'confirm without asking')
    .option('--dry-run', 'stop after the dry run (confirm later with `mailing confirm`)')
    .option('--samples <dir>', 'where to write the rendered samples (default preview/mailings)')
    .addHelpText(
      'after',
      `
Content file (--content), one Markdown file for every language (details: docs/cli.md):
  ---
  subject.en: Shuttle buses and badges
  subject.ru: Трансфер и бейджи
  # the embargo line is for media advisories
  embargo: 2022-10-18T09:30:00+05:00
  ---
  <!-- lang: en -->
  Buses leave the hotels **every 20 minutes**.
  <!-- lang: ru -->
  Автобусы отходят **каждые 20 минут**.`,
    )
    .action(
      action(async (ctx, options: import('./commands/mailing.js').CreateOptions) =>
        (await mailings()).mailingCreate(ctx, options),
      ),
    );
  mailingCommand
    .command('confirm')
    .description('send a mailing that was left as a dry run')
    .argument('<id>', 'mailing id')
    .option('--send-at <iso>', 'send later instead of now')
    .action(
      action(async (ctx, id: string, options: { sendAt?: string }) =>
        (await mailings()).mailingConfirm(ctx, id, options),
      ),
    );
  mailingCommand
    .command('test-send')
    .description('send one copy of the mailing, as a recipient would get it, to an address of yours')
    .argument('<id>', 'mailing id')
    .requiredOption('--to <address>', 'where to send the test')
    .option('--lang <lang>', `language of the test copy (${LANGUAGE_LIST}; default English)`)
    .action(
      action(async (ctx, id: string, options: { to: string; lang?: string }) =>
        (await mailings()).mailingTestSend(ctx, id, options),
      ),
    );
  mailingCommand
    .command('status')
    .description('counts per delivery state; --watch draws a progress bar until it is complete')
    .argument('<id>', 'mailing id')
    .option('--watch', 'follow until complete (Ctrl-C stops watching, not the mailing)')
    .option('--interval <seconds>', 'poll interval with --watch', '1')
    .option('--timeout <seconds>', 'stop watching after this long')
    .action(
      action(async (ctx, id: string, options: { watch?: boolean; interval?: string; timeout?: string }) =>
        (await mailings()).mailingStatus(ctx, id, options),
      ),
    );
  mailingCommand
    .command('cancel')
    .description('cancel a mailing: deliveries not yet sent will not go')
    .argument('<id>', 'mailing id')
    .action(action(async (ctx, id: string) => (await mailings()).mailingCancel(ctx, id)));
  mailingCommand
    .command('pause')
    .description('pause a mailing being planned or sent: queued deliveries wait until it is resumed')
    .argument('<id>', 'mailing id')
    .action(action(async (ctx, id: string) => (await import('./commands/pause.js')).mailingPause(ctx, id)));
  mailingCommand
    .command('resume')
    .description('resume a paused mailing: planning goes on from where it stopped, queued deliveries go out')
    .argument('<id>', 'mailing id')
    .action(action(async (ctx, id: string) => (await import('./commands/resume.js')).mailingResume(ctx, id)));
  mailingCommand
    .command('resend')
    .description('send failed (and, if you say so, uncertain) deliveries again')
    .argument('<id>', 'mailing id')
    .option('--failed', 'resend deliveries that failed')
    .option('--uncertain', 'resend deliveries whose fate is unknown (they may have arrived)')
    .action(
      action(async (ctx, id: string, options: { failed?: boolean; uncertain?: boolean }) => {
        if (!options.failed && !options.uncertain) {
          throw new CliError('Say what to resend: --failed, --uncertain, or both.', ExitCode.usage);
        }
        await (await mailings()).mailingResend(ctx, id, options);
      }),
    );
  mailingCommand
    .command('list')
    .description('same as `mailings list`')
    .option('--all', 'include single-recipient confirmations and cancellations')
    .action(action(async (ctx, options: { all?: boolean }) => (await mailings()).mailingsList(ctx, options)));

  program
    .command('mailings')
    .description('list the mailings of a conference')
    .command('list')
    .description('list the mailings of the conference (newest first)')
    .option('--all', 'include single-recipient confirmations and cancellations')
    .action(action(async (ctx, options: { all?: boolean }) => (await mailings()).mailingsList(ctx, options)));

  program
    .command('deliveries')
    .description("a mailing's deliveries and their states")
    .argument('<mailingId>', 'mailing id')
    .option(
      '--state <state>',
      'only this state (queued, sent, delivered, bounced, complained, failed, uncertain, …)',
    )
    .option('--limit <n>', 'at most n rows (0: all; default 50, all with --json)')
    .action(
      action(async (ctx, id: string, options: { state?: string; limit?: string }) =>
        (await inspect()).deliveries(ctx, id, options),
      ),
    );

  program
    .command('rejections')
    .description('events the stack refused, newest first, and why')
    .option('--limit <n>', 'at most n rows (0: all)', '20')
    .action(action(async (ctx, options: { limit?: string }) => (await inspect()).rejections(ctx, options)));

  const suppressionsCommand = program.command('suppressions').description('addresses bulk mail skips');
  suppressionsCommand
    .command('list')
    .description('active suppressions, newest first')
    .option('--email <address>', 'only this address')
    .option('--reason <reason>', 'only bounce, complaint, unsubscribe, rejected or manual')
    .action(
      action(async (ctx, options: { email?: string; reason?: string }) =>
        (await inspect()).suppressionsList(ctx, options),
      ),
    );
  suppressionsCommand
    .command('lift')
    .description('let bulk mail reach an address again (recorded with who and why)')
    .argument('<email>', 'address')
    .requiredOption('--reason <text>', 'why, e.g. "confirmed by phone, mailbox fixed"')
    .option('--scope <scope>', 'global or conference (default: both)')
    .action(
      action(async (ctx, email: string, options: { reason: string; scope?: string }) =>
        (await inspect()).suppressionsLift(ctx, email, options),
      ),
    );
  suppressionsCommand
    .command('add')
    .description('suppress an address by hand (e.g. asked by phone)')
    .argument('<email>', 'address')
    .requiredOption('--reason <text>', 'why')
    .option('--scope <scope>', 'global (default) or conference')
    .action(
      action(async (ctx, email: string, options: { reason: string; scope?: string }) =>
        (await inspect()).suppressionsAdd(ctx, email, options),
      ),
    );

  program
    .command('contacts')
    .description('press contacts')
    .command('import')
    .description('import a press list (CSV with a header: email,name,outlet,language,country[,contactId])')
    .argument('<file>', 'CSV file; - reads stdin')
    .option('--dry-run', 'check every row, import nothing')
    .action(
      action(async (ctx, file: string, options: { dryRun?: boolean }) =>
        (await contacts()).contactsImport(ctx, file, options),
      ),
    );

  const inviteesCommand = program
    .command('invitees')
    .description('the invitation list, its RSVP states, and the answers sent upstream');
  inviteesCommand
    .command('import')
    .description(
      'import invitees (CSV with a header: email,name or givenName/familyName,honorific,organization,country,language,group,mayDesignate[,inviteeId])',
    )
    .argument('<file>', 'CSV file; - reads stdin')
    .option('--dry-run', 'check every row, import nothing')
    .action(
      action(async (ctx, file: string, options: { dryRun?: boolean }) =>
        (await invitees()).inviteesImport(ctx, file, options),
      ),
    );
  inviteesCommand
    .command('list')
    .description('every invitee with its address and RSVP state')
    .option('--rsvp <state>', 'only no-answer (invited), accepted, declined, delegated or registered')
    .option('--all', 'include removed invitees')
    .option('--csv', 'CSV on stdout (for a spreadsheet)')
    .action(
      action(async (ctx, options: { rsvp?: string; all?: boolean; csv?: boolean }) =>
        (await invitees()).inviteesList(ctx, options),
      ),
    );
  inviteesCommand
    .command('answers')
    .description(
      'read the invitation.accepted|declined|delegated events from the local answers queue (consumes them)',
    )
    .action(action(async (ctx) => (await invitees()).inviteesAnswers(ctx)));

  program
    .command('preview')
    .description('render one kind of mail with sample data and write the HTML (no stack needed)')
    .argument('<kind>', MAIL_KINDS.join(', '))
    .option('--lang <lang>', `language (${LANGUAGE_LIST}; others fall back to English)`, 'en')
    .option('--variant <variant>', 'sample variant (reminder: conference or session)')
    .option('--out <dir>', 'where to write (default preview/kinds)')
    .action(
      action(async (ctx, kind: string, options: { lang: string; variant?: string; out?: string }) =>
        (await previews()).preview(ctx, kind, options),
      ),
    );

  const clockCommand = program.command('clock').description("the local stack's settable time (local only)");
  clockCommand
    .command('set')
    .description('set the local time, e.g. 2022-10-17T09:00:00+05:00, so due reminders go')
    .argument('<iso-time>', 'date-time with an offset')
    .action(action(async (ctx, iso: string) => (await clocks()).clockSet(ctx, iso)));
  clockCommand
    .command('show')
    .description('show the local time')
    .action(action(async (ctx) => (await clocks()).clockShow(ctx)));
  clockCommand
    .command('reset')
    .description('back to real time')
    .action(action(async (ctx) => (await clocks()).clockReset(ctx)));

  return program;
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with code 0; everything else commander refuses is usage.
      if (error.exitCode === 0) return ExitCode.ok;
      if (argv.includes('--json')) {
        printJson({ error: { message: error.message.replace(/^error: /, ''), exitCode: ExitCode.usage } });
      }
      return ExitCode.usage;
    }
    return report(undefined, error, argv.includes('--json'));
  }
  return Number(process.exitCode ?? 0);
}

// `communique … | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
