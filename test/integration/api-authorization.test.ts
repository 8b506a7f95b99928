/**
 * Authorization of the organizer API, as a table walked route by route and group by group: which
 * groups may call each route (organizers everything; press-office media advisories and the press
 * list only; viewers reads only), and that a missing or forged identity gets 401 everywhere. The
 * table is written out here, not derived from functions/api/access.ts, so a change to the rule
 * that is not also made here fails the test; and every route of the router must appear in it.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/deps.js';
import { type Group, groupsOf, type Identity } from '../../functions/api/http.js';
import { handleApi, ROUTES } from '../../functions/api/routes.js';
import { localApiDeps } from '../../local/console.js';
import { useLocalStack } from './support/local-stack.js';
import { fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const stack = useLocalStack();
const CID = 'dushanbe-2022';
let deps: ApiDeps;
const organizer: Identity = { user: 'org@example.org', email: 'org@example.org', groups: ['organizers'] };
const ids = { announcement: '', advisory: '' };

beforeAll(async () => {
  deps = localApiDeps(stack.current);
  const conference = fixture('conference.upserted');
  conference.id = freshId('conf');
  await sendAndWait(stack.current, conference);
  await seedRegistrations(storeOf(stack.current), CID, 6);
  const press = fixture('press-contact.upserted');
  press.id = freshId('press');
  await sendAndWait(stack.current, press);
  const content = { subject: { en: 'Subject' }, body: { en: 'Body' } };
  for (const [key, kind] of [
    ['announcement', 'announcement'],
    ['advisory', 'media-advisory'],
  ] as const) {
    const res = await handleApi(deps, {
      method: 'POST',
      path: `/api/conferences/${CID}/mailings`,
      query: {},
      body: { kind, audience: {}, content },
      identity: organizer,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids[key] = (res.body as { mailingId: string }).mailingId;
  }
});

type Allowed = Record<Group, boolean>;
const ALL: Allowed = { organizers: true, 'press-office': true, viewers: true };
const READERS: Allowed = { organizers: true, 'press-office': false, viewers: true };
const ORGANIZERS: Allowed = { organizers: true, 'press-office': false, viewers: false };
const ADVISORY_WRITERS: Allowed = { organizers: true, 'press-office': true, viewers: false };

interface Case {
  route: string;
  name: string;
  path: () => string;
  body?: () => unknown;
  allowed: Allowed;
}

const announcement = {
  kind: 'announcement',
  audience: {},
  content: { subject: { en: 'S' }, body: { en: 'B' } },
};
const advisory = { ...announcement, kind: 'media-advisory' };
const m =
  (key: keyof typeof ids, rest = '') =>
  () =>
    `/api/mailings/${ids[key]}${rest}`;

/** Read-only and side-effect-free requests first, then the changes (cancel last). */
const CASES: Case[] = [
  { route: 'GET /api/me', name: 'who am I', path: () => '/api/me', allowed: ALL },
  {
    route: 'GET /api/conferences/:cid/overview',
    name: 'overview',
    path: () => `/api/conferences/${CID}/overview`,
    allowed: ALL,
  },
  {
    route: 'GET /api/conferences/:cid/press-contacts',
    name: 'press list',
    path: () => `/api/conferences/${CID}/press-contacts`,
    allowed: ALL,
  },
  {
    route: 'GET /api/conferences/:cid/invitees',
    name: 'invitees and their answers',
    path: () => `/api/conferences/${CID}/invitees`,
    allowed: READERS,
  },
  {
    route: 'GET /api/conferences/:cid/mailings',
    name: 'mailings list',
    path: () => `/api/conferences/${CID}/mailings`,
    allowed: ALL,
  },
  {
    route: 'POST /api/conferences/:cid/audience',
    name: 'count an announcement audience',
    path: () => `/api/conferences/${CID}/audience`,
    body: () => announcement,
    allowed: READERS,
  },
  {
    route: 'POST /api/conferences/:cid/audience',
    name: 'count an advisory audience',
    path: () => `/api/conferences/${CID}/audience`,
    body: () => advisory,
    allowed: ALL,
  },
  {
    route: 'POST /api/conferences/:cid/preview',
    name: 'preview an announcement',
    path: () => `/api/conferences/${CID}/preview`,
    body: () => announcement,
    allowed: READERS,
  },
  {
    route: 'POST /api/conferences/:cid/preview',
    name: 'preview an invitation',
    path: () => `/api/conferences/${CID}/preview`,
    body: () => ({ kind: 'invitation', audience: {} }),
    allowed: READERS,
  },
  {
    route: 'POST /api/conferences/:cid/preview',
    name: 'preview an advisory',
    path: () => `/api/conferences/${CID}/preview`,
    body: () => advisory,
    allowed: ALL,
  },
  { route: 'GET /api/mailings/:mid', name: 'an announcement', path: m('announcement'), allowed: READERS },
  { route: 'GET /api/mailings/:mid', name: 'an advisory', path: m('advisory'), allowed: ALL },
  {
    route: 'GET /api/mailings/:mid/deliveries',
    name: 'announcement deliveries',
    path: m('announcement', '/deliveries'),
    allowed: READERS,
  },
  {
    route: 'GET /api/mailings/:mid/deliveries',
    name: 'advisory deliveries',
    path: m('advisory', '/deliveries'),
    allowed: ALL,
  },
  {
    route: 'GET /api/mailings/:mid/deliveries/:contact',
    name: 'one announcement delivery',
    path: m('announcement', '/deliveries/delegate-0@example.org'),
    allowed: READERS,
  },
  {
    route: 'GET /api/mailings/:mid/deliveries/:contact',
    name: 'one advisory delivery',
    path: m('advisory', '/deliveries/delegate-0@example.org'),
    allowed: ALL,
  },
  { route: 'GET /api/rejections', name: 'rejected events', path: () => '/api/rejections', allowed: READERS },
  {
    route: 'GET /api/conferences/:cid/suppressions',
    name: 'suppressions',
    path: () => `/api/conferences/${CID}/suppressions`,
    allowed: READERS,
  },
  {
    route: 'POST /api/conferences/:cid/mailings',
    name: 'create an invitation',
    path: () => `/api/conferences/${CID}/mailings`,
    body: () => ({ kind: 'invitation', audience: {} }),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/conferences/:cid/mailings',
    name: 'create an advisory',
    path: () => `/api/conferences/${CID}/mailings`,
    body: () => advisory,
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/mailings/:mid/test-send',
    name: 'test an announcement',
    path: m('announcement', '/test-send'),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/test-send',
    name: 'test an advisory',
    path: m('advisory', '/test-send'),
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/mailings/:mid/resend',
    name: 'resend an announcement',
    path: m('announcement', '/resend'),
    body: () => ({ states: ['failed'], expectedCount: 0 }),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/resend',
    name: 'resend an advisory',
    path: m('advisory', '/resend'),
    body: () => ({ states: ['failed'], expectedCount: 0 }),
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/mailings/:mid/pause',
    name: 'pause an announcement',
    path: m('announcement', '/pause'),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/pause',
    name: 'pause an advisory',
    path: m('advisory', '/pause'),
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/mailings/:mid/resume',
    name: 'resume an announcement',
    path: m('announcement', '/resume'),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/resume',
    name: 'resume an advisory',
    path: m('advisory', '/resume'),
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/conferences/:cid/suppressions',
    name: 'suppress',
    path: () => `/api/conferences/${CID}/suppressions`,
    body: () => ({ email: 'quiet@example.org', reason: 'asked by phone' }),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/conferences/:cid/suppressions/lift',
    name: 'lift',
    path: () => `/api/conferences/${CID}/suppressions/lift`,
    body: () => ({ email: 'quiet@example.org', reason: 'asked again', scope: 'global' }),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/confirm',
    name: 'confirm an announcement',
    path: m('announcement', '/confirm'),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/confirm',
    name: 'confirm an advisory',
    path: m('advisory', '/confirm'),
    allowed: ADVISORY_WRITERS,
  },
  {
    route: 'POST /api/mailings/:mid/cancel',
    name: 'cancel an announcement',
    path: m('announcement', '/cancel'),
    allowed: ORGANIZERS,
  },
  {
    route: 'POST /api/mailings/:mid/cancel',
    name: 'cancel an advisory',
    path: m('advisory', '/cancel'),
    allowed: ADVISORY_WRITERS,
  },
];

const identityOfGroup = (group: Group): Identity => ({
  user: `${group}@example.org`,
  email: `${group}@example.org`,
  groups: [group],
});
/** Denied groups first, so a change the allowed group makes cannot hide a missing check. */
const ORDER: Group[] = ['viewers', 'press-office', 'organizers'];

describe('organizer API authorization', () => {
  it('has a row for every route of the router', () => {
    const covered = new Set(CASES.map((c) => c.route));
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(CASES)('$route ($name): 401 without identity', async (c) => {
    const res = await handleApi(deps, {
      method: c.route.split(' ')[0] ?? 'GET',
      path: c.path(),
      query: {},
      body: c.body?.(),
      identity: undefined,
    });
    expect(res.status).toBe(401);
  });

  it.each(CASES)('$route ($name): per group', async (c) => {
    for (const group of ORDER) {
      const res = await handleApi(deps, {
        method: c.route.split(' ')[0] ?? 'GET',
        path: c.path(),
        query: {},
        body: c.body?.(),
        identity: identityOfGroup(group),
      });
      const detail = `${group}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      if (c.allowed[group]) {
        expect([401, 403, 500], detail).not.toContain(res.status);
      } else {
        expect(res.status, detail).toBe(403);
      }
    }
  });

  it('takes the acting user from the identity, never from the body', async () => {
    const res = await handleApi(deps, {
      method: 'POST',
      path: `/api/conferences/${CID}/mailings`,
      query: {},
      body: { ...announcement, requestedBy: 'someone-else@example.org' },
      identity: organizer,
    });
    expect(res.status).toBe(200);
    const view = await handleApi(deps, {
      method: 'GET',
      path: `/api/mailings/${(res.body as { mailingId: string }).mailingId}`,
      query: {},
      body: undefined,
      identity: organizer,
    });
    expect((view.body as { requestedBy: string }).requestedBy).toBe('org@example.org');
  });
});

describe('identity from API Gateway', () => {
  const event = (claims?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ({
      rawPath: '/api/me',
      headers,
      requestContext: {
        http: { method: 'GET' },
        ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
      },
    }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('reads groups from the verified claims only; a forged header or body is no identity (401)', async () => {
    const { identityOf } = await import('../../functions/api/identity.js');
    expect(identityOf(event({ email: 'a@example.org', 'cognito:groups': '[viewers press-office]' }))).toEqual(
      {
        user: 'a@example.org',
        email: 'a@example.org',
        groups: ['viewers', 'press-office'],
      },
    );
    const forged = identityOf(event(undefined, { authorization: 'Bearer forged', 'x-groups': 'organizers' }));
    expect(forged).toBeUndefined();
    const res = await handleApi(deps, {
      method: 'GET',
      path: '/api/me',
      query: {},
      body: { groups: ['organizers'] },
      identity: forged,
    });
    expect(res.status).toBe(401);
    expect(groupsOf(['organizers', 'admins'])).toEqual(['organizers']);
  });
});
