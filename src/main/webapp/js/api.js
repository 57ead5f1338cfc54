// The service's REST API, addressed relative to this page so the UI works wherever it is
// mounted (/chat/ directly, or behind a proxy that serves it at /chat/).

import { accessToken, authHeaders } from './access.js';

const TIMEOUT_MS = 5000;

/**
 * GET a JSON resource of this service.
 * @returns {Promise<{status: number, body: object|null}>} status 0 when the service did not answer.
 */
async function getJson(path) {
    try {
        const response = await fetch(new URL(path, document.baseURI), {
            headers: { Accept: 'application/json', ...authHeaders(accessToken()) },
            cache: 'no-store',
            signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        let body = null;
        try {
            body = await response.json();
        } catch {
            // not JSON (a proxy's error page, say): the status still tells what happened
        }
        return { status: response.status, body };
    } catch {
        return { status: 0, body: null };
    }
}

/**
 * Redis as the server sees it.
 * @returns {Promise<{reachable: boolean, connected: boolean, defaultTtl: number|null, url: string|null,
 *                    version: string|null, latencyMs: number|null, error: string|null}>}
 */
export async function fetchRedisStatus() {
    const { status, body } = await getJson('api/redis/status/');
    if (status === 0 || !body || typeof body.redis_connected !== 'boolean') {
        return {
            reachable: false, connected: false, defaultTtl: null, url: null, version: null, latencyMs: null,
            error: status === 0 ? 'the chat service does not answer' : `unexpected answer (HTTP ${status})`,
        };
    }
    return {
        reachable: true,
        connected: body.redis_connected,
        defaultTtl: Number.isFinite(body.default_ttl) ? body.default_ttl : null,
        url: body.redis_url ?? null,
        version: body.redis_version ?? null,
        latencyMs: Number.isFinite(body.latency_ms) ? body.latency_ms : null,
        error: body.error ?? null,
    };
}

/**
 * What Redis holds for a session.
 * @returns {Promise<{ok: true, messages: object[], epoch: string|null, lastSeq: number|null,
 *                    ttlRemaining: number|null, emptyReason: string|null}
 *                  | {ok: false, status: number, error: string}>} status 401/403: the access token is
 *                    missing, not accepted, or does not allow this session
 */
export async function fetchSessionMessages(sessionId) {
    const { status, body } = await getJson(`api/sessions/${encodeURIComponent(sessionId)}/messages/`);
    if (status === 200 && body?.success && Array.isArray(body.messages)) {
        return {
            ok: true,
            messages: body.messages,
            epoch: body.epoch ?? null,
            lastSeq: Number.isFinite(body.last_seq) ? body.last_seq : null,
            ttlRemaining: Number.isFinite(body.ttl_remaining) ? body.ttl_remaining : null,
            emptyReason: body.empty_reason ?? null,
        };
    }
    return {
        ok: false,
        status,
        error: body?.error ?? (status === 0 ? 'the chat service does not answer' : `HTTP ${status}`),
    };
}
