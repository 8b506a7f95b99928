import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { groupsOf, type Identity } from './http.js';

/**
 * The identity API Gateway's JWT authorizer verified (a Cognito ID token's claims), or undefined.
 * Nothing else of the request is trusted: not a header, not the body.
 */
export function identityOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Identity | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  const user = String(claims.email ?? claims['cognito:username'] ?? claims.username ?? claims.sub ?? '');
  if (!user) return undefined;
  return {
    user,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups: groupsOf(claims['cognito:groups']),
  };
}
