// Amazon Cognito user pools sign-in, spoken directly to the Cognito Identity Provider API
// (JSON 1.1 over HTTPS, no SDK): InitiateAuth with USER_PASSWORD_AUTH, the NEW_PASSWORD_REQUIRED
// and SOFTWARE_TOKEN_MFA challenges through RespondToAuthChallenge, and REFRESH_TOKEN_AUTH.
// The app client has no secret (a browser cannot keep one), so no SECRET_HASH is sent.

import { config } from "./config.js";

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function endpoint() {
  const settings = await config();
  return settings.cognitoEndpoint || `https://cognito-idp.${settings.region}.amazonaws.com/`;
}

async function call(operation, body) {
  const response = await fetch(await endpoint(), {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const code = String(payload.__type || "Error").split("#").pop();
    throw new AuthError(code, payload.message || payload.Message || `sign-in failed (${code})`);
  }
  return payload;
}

/** Start signing in. Resolves to {tokens} or {challenge, session, parameters}. */
export async function initiate(username, password) {
  const { clientId } = await config();
  return outcome(
    await call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

/** Answer a challenge; `answers` are the ChallengeResponses besides USERNAME. */
export async function respond(challenge, session, username, answers) {
  const { clientId } = await config();
  return outcome(
    await call("RespondToAuthChallenge", {
      ChallengeName: challenge,
      ClientId: clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, ...answers },
    }),
  );
}

/** New access and ID tokens from the refresh token (the refresh token itself is kept). */
export async function refresh(refreshToken) {
  const { clientId } = await config();
  const payload = await call("InitiateAuth", {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
  return tokensOf(payload.AuthenticationResult, refreshToken);
}

function outcome(payload) {
  if (payload.AuthenticationResult) return { tokens: tokensOf(payload.AuthenticationResult) };
  if (payload.ChallengeName) {
    return {
      challenge: payload.ChallengeName,
      session: payload.Session,
      parameters: payload.ChallengeParameters || {},
    };
  }
  throw new AuthError("UnexpectedResponse", "Cognito answered neither tokens nor a challenge");
}

function tokensOf(result, keptRefreshToken) {
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken || keptRefreshToken,
    expiresAt: Date.now() + Number(result.ExpiresIn || 3600) * 1000,
  };
}
