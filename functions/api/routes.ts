/**
 * The organizer API's route table and router. Each route names the action it performs (see
 * access.ts); the router refuses a missing identity with 401 and a forbidden action with 403
 * before anything is read, and checks the mailing's kind again once it is loaded.
 */
import { type Action, capabilities, may, mayForSomeKind } from './access.js';
import type { ApiDeps } from './deps.js';
import { ApiError, type ApiRequest, type ApiResponse, type Identity, objectBody } from './http.js';
import { inviteesPage } from './invitees.js';
import {
  audienceCount,
  cancel,
  confirm,
  createDryRun,
  deliveriesPage,
  deliveryDetail,
  mailingView,
  pause,
  requireConference,
  requireMailing,
  resend,
  resume,
  testSend,
} from './mailings.js';
import { mailingsPage, overview, pressContacts, rejectionsPage, suppressionsPage } from './reads.js';
import { previewDraft, renderDelivery } from './render.js';
import { addSuppression, liftSuppression } from './suppressions.js';

interface Call {
  deps: ApiDeps;
  req: ApiRequest;
  identity: Identity;
  params: Record<string, string>;
  body: Record<string, unknown>;
  /** Loads the mailing of the path and checks the action against its kind. */
  mailing: () => ReturnType<typeof requireMailing>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  action: Action;
  /** Whether the action depends on a mailing kind (in the body or the loaded mailing). */
  byKind?: boolean;
  run: (call: Call) => Promise<unknown>;
}

const pressOnly = (identity: Identity) => !may(identity, 'read');

/** Every route of the API. The authorization test walks this table. */
export const ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/api/me',
    action: 'read-press',
    run: async ({ identity }) => ({ ...identity, can: capabilities(identity) }),
  },
  {
    method: 'GET',
    path: '/api/conferences/:cid/overview',
    action: 'read-press',
    run: ({ deps, params, identity }) => overview(deps, params.cid ?? '', { pressOnly: pressOnly(identity) }),
  },
  {
    method: 'GET',
    path: '/api/conferences/:cid/press-contacts',
    action: 'read-press',
    run: ({ deps, params, req }) => pressContacts(deps, params.cid ?? '', req.query),
  },
  {
    method: 'GET',
    path: '/api/conferences/:cid/invitees',
    action: 'read',
    run: ({ deps, params, req }) => inviteesPage(deps, params.cid ?? '', req.query),
  },
  {
    method: 'GET',
    path: '/api/conferences/:cid/mailings',
    action: 'read-press',
    run: ({ deps, params, req, identity }) =>
      mailingsPage(deps, params.cid ?? '', req.query, { pressOnly: pressOnly(identity) }),
  },
  {
    method: 'POST',
    path: '/api/conferences/:cid/audience',
    action: 'preview',
    byKind: true,
    run: ({ deps, params, body }) => audienceCount(deps, params.cid ?? '', body),
  },
  {
    method: 'POST',
    path: '/api/conferences/:cid/preview',
    action: 'preview',
    byKind: true,
    run: ({ deps, params, body }) => previewDraft(deps, params.cid ?? '', body),
  },
  {
    method: 'POST',
    path: '/api/conferences/:cid/mailings',
    action: 'mailing-write',
    byKind: true,
    run: ({ deps, params, body, identity }) => createDryRun(deps, params.cid ?? '', body, identity),
  },
  {
    method: 'GET',
    path: '/api/mailings/:mid',
    action: 'read',
    byKind: true,
    run: async ({ deps, mailing }) => mailingView(deps, (await mailing()).mailingId),
  },
  {
    method: 'GET',
    path: '/api/mailings/:mid/deliveries',
    action: 'read',
    byKind: true,
    run: async ({ deps, mailing, req }) => deliveriesPage(deps, (await mailing()).mailingId, req.query),
  },
  {
    method: 'GET',
    path: '/api/mailings/:mid/deliveries/:contact',
    action: 'read',
    byKind: true,
    run: async ({ deps, mailing, params }) => {
      const m = await mailing();
      const detail = await deliveryDetail(deps, m, params.contact ?? '');
      const { getDelivery } = await import('../store/store.js');
      const row = await getDelivery(deps.pipeline, m.mailingId, detail.contactKey);
      const conference = await requireConference(deps, m.conferenceId);
      const mail = row ? await renderDelivery(deps, m, conference, row).catch(() => undefined) : undefined;
      return { ...detail, ...(mail ? { mail } : {}) };
    },
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/test-send',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, body, identity }) => testSend(deps, await mailing(), body, identity),
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/confirm',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, body, identity }) => confirm(deps, await mailing(), body, identity),
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/cancel',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, identity }) => cancel(deps, await mailing(), identity),
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/pause',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, identity }) => pause(deps, await mailing(), identity),
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/resume',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, identity }) => resume(deps, await mailing(), identity),
  },
  {
    method: 'POST',
    path: '/api/mailings/:mid/resend',
    action: 'mailing-write',
    byKind: true,
    run: async ({ deps, mailing, body, identity }) => resend(deps, await mailing(), body, identity),
  },
  {
    method: 'GET',
    path: '/api/rejections',
    action: 'read',
    run: ({ deps, req }) => rejectionsPage(deps, req.query),
  },
  {
    method: 'GET',
    path: '/api/conferences/:cid/suppressions',
    action: 'read',
    run: ({ deps, params, req }) => suppressionsPage(deps, params.cid ?? '', req.query),
  },
  {
    method: 'POST',
    path: '/api/conferences/:cid/suppressions',
    action: 'suppression-write',
    run: ({ deps, params, body, identity }) => addSuppression(deps, params.cid ?? '', body, identity),
  },
  {
    method: 'POST',
    path: '/api/conferences/:cid/suppressions/lift',
    action: 'suppression-write',
    run: ({ deps, params, body, identity }) => liftSuppression(deps, params.cid ?? '', body, identity),
  },
];

function match(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

const FORBIDDEN = 'Your role does not allow this. Ask an organizer, or sign in with another account.';

/** Runs one request: 401 without identity, 403 when the role forbids it, 4xx with a sentence for bad input. */
export async function handleApi(deps: ApiDeps, req: ApiRequest): Promise<ApiResponse> {
  try {
    let found: { route: Route; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const route of ROUTES) {
      if (match({ ...route, method: req.method as Route['method'] }, req.method, req.path)) pathKnown = true;
      const params = match(route, req.method, req.path);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (!req.identity) throw new ApiError(401, 'Sign in first: this request carried no valid identity.');
    if (!found)
      throw new ApiError(
        pathKnown ? 405 : 404,
        pathKnown ? 'Method not allowed here.' : 'No such API route.',
      );
    const { route, params } = found;
    const identity = req.identity;
    if (route.byKind ? !mayForSomeKind(identity, route.action) : !may(identity, route.action)) {
      throw new ApiError(403, FORBIDDEN);
    }
    const body = objectBody(req.body);
    if (route.byKind && typeof body.kind === 'string' && !may(identity, route.action, body.kind)) {
      throw new ApiError(
        403,
        `Your role may not ${route.action === 'preview' ? 'compose' : 'send'} a ${body.kind}.`,
      );
    }
    if (
      route.byKind &&
      !params.mid &&
      route.method === 'POST' &&
      typeof body.kind !== 'string' &&
      !may(identity, route.action)
    ) {
      throw new ApiError(403, FORBIDDEN);
    }
    const mailing = async () => {
      const m = await requireMailing(deps, params.mid ?? '');
      if (!may(identity, route.action, m.kind)) {
        throw new ApiError(
          403,
          `Your role may not ${route.action === 'read' ? 'see' : 'change'} a ${m.kind}.`,
        );
      }
      return m;
    };
    const result = await route.run({ deps, req, identity, params, body, mailing });
    return { status: route.method === 'POST' ? 200 : 200, body: result };
  } catch (error) {
    if (error instanceof ApiError) {
      return {
        status: error.status,
        body: { error: error.message, ...(error.detail ? { detail: error.detail } : {}) },
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 500,
      body: {
        error: `Something went wrong on the server: ${message}. Try again; if it persists, tell the operators.`,
      },
    };
  }
}
