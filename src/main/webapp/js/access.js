// Access control, when the server has it on (chat.auth.mode=jwt): the token the user pasted,
// kept in this tab's sessionStorage only (never localStorage: it is a credential), and how it
// goes to the server: an Authorization header for REST, the first frame for a socket.

const KEY = 'redis-chat.access-token';
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function tabStorage() {
    try {
        return globalThis.sessionStorage ?? null;
    } catch {
        return null; // storage blocked: the token lives as long as the page
    }
}

let inMemory = null;

/** The token of this tab, or null. */
export function accessToken(storage = tabStorage()) {
    try {
        return storage ? storage.getItem(KEY) : inMemory;
    } catch {
        return inMemory;
    }
}

/**
 * Keeps the token for this tab; an empty one forgets it.
 * @returns {string|null} why it is not a token, or null when it was kept
 */
export function setAccessToken(text, storage = tabStorage()) {
    const token = String(text ?? '').trim().replace(/^Bearer\s+/i, '');
    if (token !== '' && !JWT.test(token)) {
        return 'That is not a token: a JWT is three base64url parts joined by dots.';
    }
    inMemory = token || null;
    try {
        if (storage && token) {
            storage.setItem(KEY, token);
        } else if (storage) {
            storage.removeItem(KEY);
        }
    } catch {
        // kept in memory only
    }
    return null;
}

/** The socket's first frame when the server asks for a token. */
export function authFrame(token) {
    return JSON.stringify({ type: 'auth', token });
}

/** Headers of a REST call: the bearer token when there is one. */
export function authHeaders(token) {
    return token ? { Authorization: `Bearer ${token}` } : {};
}

/** A socket closed with 1008 for want of a valid token (rather than for its session id or parameters). */
export function isAuthRefusal(code, reason) {
    return code === 1008 && /token|authentication/i.test(String(reason ?? ''));
}
