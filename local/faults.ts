import { invocations } from './invocation.js';

/**
 * The fault layer: an SDK middleware added to the handlers' own AWS clients (the
 * module singletons of functions/lib/clients.ts) by local tooling, so production
 * code knows nothing of it. It sits at the bottom of the stack, below the retry
 * and signing middleware and the deserializer, where the wire is: an injected
 * error is parsed by the SDK as the service's own answer, and a lost answer or a
 * passing 5xx is retried by the SDK exactly as a real one would be.
 *
 * A schedule lists faults by function, operation and step: the `nth` call (from
 * 1, counting every attempt on the wire, SDK retries included) that function
 * makes to that operation, and `times` consecutive matching calls from there.
 */
export type FaultKind =
  /** The service answers an error; the request never took effect. */
  | 'error'
  /** The request reaches the service and takes effect; the answer is lost (connection reset). */
  | 'lost'
  /** The call waits `ms` before it goes out. */
  | 'latency'
  /** The invocation dies just before this call (it never goes out). */
  | 'crash-before'
  /** The call goes out and takes effect, then the invocation dies before it sees the answer. */
  | 'crash-after';

export type ErrorClass = 'throttle' | '5xx' | 'access-denied';

export interface Fault {
  /** Function short name (`sender`, `intake`, `feedback`, `clock`, `unsubscribe`). */
  fn: string;
  /** `Service.Operation`, e.g. `SES.SendRawEmail`, `DynamoDB.UpdateItem`. */
  op: string;
  /** 1-based index of the first matching call. */
  nth: number;
  /** How many consecutive matching calls it hits (default 1). */
  times?: number;
  /**
   * Only calls whose input, as JSON, contains this text (e.g. `DELIVERY#` for the
   * delivery rows): a named step. `nth` then counts those calls only.
   */
  where?: string;
  kind: FaultKind;
  /** For `error`. */
  error?: ErrorClass;
  /** For `latency`. */
  ms?: number;
}

/** What the layer did, for figures and for the chaos invariants. */
export interface InjectedFault {
  fault: Fault;
  /** `fn:Service.Operation` and the call's index. */
  call: string;
  index: number;
  invocationId: string;
  /** For SES.SendRawEmail: the delivery id from the message tags. */
  delivery?: string;
}

/** One SES.SendRawEmail call the handlers made, and whether its caller saw the answer. */
export interface SesCall {
  delivery?: string;
  mailing?: string;
  destinations: string[];
  /** The request went out to SES (it may have accepted it). */
  reachedService: boolean;
  /** The caller received SES's answer (success or error). */
  answered: boolean;
}

export function describeFault(f: Fault): string {
  const span = `${f.where ? `[${f.where}]` : ''}${(f.times ?? 1) > 1 ? `#${f.nth}..${f.nth + (f.times ?? 1) - 1}` : `#${f.nth}`}`;
  const detail = f.kind === 'error' ? ` ${f.error}` : f.kind === 'latency' ? ` ${f.ms}ms` : '';
  return `${f.fn}:${f.op}${span} ${f.kind}${detail}`;
}

/**
 * The inverse of {@link describeFault}: `intake:SQS.SendMessage#2..3 error throttle` back to a
 * fault, so a schedule a chaos run printed can be replayed as it is (`npm run chaos -- --schedule`).
 */
export function parseFault(text: string): Fault {
  const m =
    /^([\w-]+):(\w+\.\w+)(?:\[([^\]]*)\])?#(\d+)(?:\.\.(\d+))? (error|lost|latency|crash-before|crash-after)(?: (\S+))?$/.exec(
      text.trim(),
    );
  if (!m)
    throw new Error(`not a fault: "${text}" (expected e.g. "intake:DynamoDB.GetItem#4 error throttle")`);
  const [, fn = '', op = '', where, first = '1', last, kind = 'error', detail] = m;
  const nth = Number(first);
  const fault: Fault = {
    fn,
    op,
    nth,
    times: last === undefined ? 1 : Number(last) - nth + 1,
    kind: kind as FaultKind,
  };
  if (where !== undefined) fault.where = where;
  if (kind === 'error') {
    if (detail !== 'throttle' && detail !== '5xx' && detail !== 'access-denied')
      throw new Error(`not an error class: "${detail}" in "${text}"`);
    fault.error = detail;
  }
  if (kind === 'latency') fault.ms = Number.parseInt(detail ?? '', 10);
  return fault;
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: unknown,
      options: { step: 'deserialize'; priority: 'low'; name: string; override?: boolean },
    ): void;
  };
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The wire protocol of each service the handlers call, for shaping an error answer. */
const PROTOCOL: Record<string, 'json' | 'query'> = {
  DynamoDB: 'json',
  SQS: 'json',
  SSM: 'json',
  SES: 'query',
  SNS: 'query',
};

/** Error code and status per class, as each service spells them. */
function errorShape(service: string, error: ErrorClass): { status: number; code: string; message: string } {
  const query = PROTOCOL[service] === 'query';
  switch (error) {
    case 'throttle':
      return service === 'SES'
        ? { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' }
        : { status: 400, code: query ? 'Throttling' : 'ThrottlingException', message: 'Rate exceeded' };
    case '5xx':
      return service === 'DynamoDB'
        ? { status: 500, code: 'InternalServerError', message: 'Internal server error' }
        : { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' };
    case 'access-denied':
      return {
        status: 403,
        code: query ? 'AccessDenied' : 'AccessDeniedException',
        message: 'User is not authorized to perform this action (injected fault)',
      };
  }
}

/** A raw HTTP error answer in the service's protocol, which the SDK's own deserializer parses. */
export function errorResponse(service: string, error: ErrorClass): RawResponse {
  const { status, code, message } = errorShape(service, error);
  if (PROTOCOL[service] === 'query') {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>injected</RequestId></ErrorResponse>`;
    return {
      statusCode: status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'injected' },
      body: Buffer.from(body),
    };
  }
  const prefix = service === 'DynamoDB' ? 'com.amazonaws.dynamodb.v20120810#' : '';
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': code,
      'x-amzn-requestid': 'injected',
      ...(service === 'SQS' ? { 'x-amzn-query-error': `${code};${type(status)}` } : {}),
    },
    body: Buffer.from(JSON.stringify({ __type: `${prefix}${code}`, message })),
  };
}
const type = (status: number) => (status >= 500 ? 'Receiver' : 'Sender');

/** The error Node's HTTP client raises when the peer resets the connection, as the SDK's handler names it. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' });
}

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tags of a SendRawEmail input, to tie a call to its delivery. */
function sesTags(input: unknown): { delivery?: string; mailing?: string; destinations: string[] } {
  const i = input as { Tags?: { Name?: string; Value?: string }[]; Destinations?: string[] } | undefined;
  const tag = (name: string) => i?.Tags?.find((t) => t.Name === name)?.Value;
  return { delivery: tag('delivery'), mailing: tag('mailing'), destinations: i?.Destinations ?? [] };
}

/** A completed write the layer was asked to watch (see `createFaultLayer`), with the invocation that made it. */
export interface WatchedWrite {
  op: string;
  input: string;
  invocation: { readonly frozenBy: string | undefined; readonly invocationId: string };
}

export interface FaultLayer {
  /** Replaces the schedule and resets the call counters. */
  setSchedule(faults: Fault[]): void;
  /** Stops injecting (the counters keep counting). */
  clear(): void;
  /** Adds the middleware to a client (idempotent per client). */
  install(client: MiddlewareClient): void;
  readonly injected: InjectedFault[];
  readonly sesCalls: SesCall[];
  /** Completed calls whose input contains one of the `watch` texts. */
  readonly watched: WatchedWrite[];
  /** Calls per `fn:Service.Operation` since the schedule was set (what `nth` counts). */
  readonly calls: Map<string, number>;
  /** Calls per `fn:Service.Operation` since the layer was created. */
  readonly seen: Map<string, number>;
  /** Injected faults by kind (`error:throttle`, `lost`, `crash-after` …). */
  figures(): Record<string, number>;
}

const MIDDLEWARE_NAME = 'communiqueFaultInjection';

/**
 * @param options.watch texts to look for in call inputs: a completed call that
 *   contains one is kept in `watched` (the chaos checker watches the sender's
 *   last write before SES, so it knows which deaths came after it).
 */
export function createFaultLayer(options: { watch?: string[] } = {}): FaultLayer {
  const watch = options.watch ?? [];
  const watched: WatchedWrite[] = [];
  let schedule: Fault[] = [];
  const calls = new Map<string, number>();
  const seen = new Map<string, number>();
  const injected: InjectedFault[] = [];
  const sesCalls: SesCall[] = [];
  const installed = new WeakSet<object>();

  const hits = (f: Fault, index: number) => index >= f.nth && index < f.nth + (f.times ?? 1);
  /** The fault for this call, if any; calls of a step named by `where` are counted on their own. */
  const match = (fn: string, op: string, key: string, index: number, input: unknown): Fault | undefined => {
    let json: string | undefined;
    for (const f of schedule) {
      if (f.fn !== fn || f.op !== op) continue;
      if (f.where === undefined) {
        if (hits(f, index)) return f;
        continue;
      }
      json ??= JSON.stringify(input) ?? '';
      if (!json.includes(f.where)) continue;
      const named = `${key}|${f.where}`;
      const n = (calls.get(named) ?? 0) + 1;
      calls.set(named, n);
      if (hits(f, n)) return f;
    }
    return undefined;
  };

  const middleware =
    (
      next: (args: { request: unknown; input: unknown }) => Promise<{ response: RawResponse }>,
      context: {
        clientName?: string;
        commandName?: string;
      },
    ) =>
    async (args: { request: unknown; input: unknown }): Promise<{ response: RawResponse }> => {
      const invocation = invocations.getStore();
      // Only the handlers' calls: the runner's polling and the tests' own reads pass untouched.
      if (!invocation) return next(args);
      if (invocation.frozenBy !== undefined) return never();
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const op = `${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      const key = `${invocation.functionName}:${op}`;
      const index = (calls.get(key) ?? 0) + 1;
      calls.set(key, index);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const fault = match(invocation.functionName, op, key, index, args.input);
      const isSes = op === 'SES.SendRawEmail';
      const sesCall: SesCall | undefined = isSes
        ? { ...sesTags(args.input), reachedService: false, answered: false }
        : undefined;
      if (sesCall) sesCalls.push(sesCall);
      if (fault) {
        injected.push({
          fault,
          call: key,
          index,
          invocationId: invocation.invocationId,
          ...(sesCall?.delivery ? { delivery: sesCall.delivery } : {}),
        });
      }
      const kind = fault?.kind;
      if (kind === 'crash-before') {
        invocation.freeze(`crashed before ${key}#${index}`);
        return never();
      }
      if (kind === 'error') {
        if (sesCall) sesCall.answered = true;
        return { response: errorResponse(service, fault?.error ?? '5xx') };
      }
      if (kind === 'latency') await sleep(fault?.ms ?? 100);
      if (sesCall) sesCall.reachedService = true;
      const result = await next(args);
      // The call took effect, whether or not its caller lives to see the answer.
      if (watch.length > 0) {
        const input = JSON.stringify(args.input) ?? '';
        if (watch.some((w) => input.includes(w))) watched.push({ op: key, input, invocation });
      }
      if (kind === 'crash-after') invocation.freeze(`crashed after ${key}#${index}`);
      // A process that died while this call was on the wire never sees its answer.
      if (invocation.frozenBy !== undefined) return never();
      if (kind === 'lost') {
        (result.response.body as { destroy?: () => void } | undefined)?.destroy?.();
        throw connectionReset();
      }
      if (sesCall) sesCall.answered = true;
      return result;
    };

  return {
    setSchedule(faults) {
      schedule = faults;
      calls.clear();
    },
    clear() {
      schedule = [];
    },
    install(client) {
      if (installed.has(client)) return;
      installed.add(client);
      client.middlewareStack.add(middleware, { step: 'deserialize', priority: 'low', name: MIDDLEWARE_NAME });
    },
    injected,
    sesCalls,
    watched,
    calls,
    seen,
    figures() {
      const out: Record<string, number> = {};
      for (const { fault } of injected) {
        const k = fault.kind === 'error' ? `error:${fault.error}` : fault.kind;
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    },
  };
}

/**
 * Adds the layer to every AWS client the handlers use: the module singletons of
 * functions/lib/clients.ts, the only place functions create clients. The document
 * client shares its middleware stack with the DynamoDB client beneath it.
 */
export async function installOnHandlerClients(layer: FaultLayer): Promise<void> {
  const clients = await import('../functions/lib/clients.js');
  layer.install(clients.documentClient());
  layer.install(clients.sqsClient());
  layer.install(clients.sesClient());
  layer.install(clients.ssmClient());
  layer.install(clients.snsClient());
}
