// The calls the console makes: the admin API with the bearer token, the public history and status
// endpoints, and the metrics text. No DOM: fetch is passed in, answers come back as data or as an
// OpsError whose kind the page turns into a message.

/** What went wrong, in the terms the page explains: unauthorized, admin-off, not-found, redis-down, bad-request, network, failed. */
export class OpsError extends Error {
    constructor(kind, status, message) {
        super(message);
        this.name = 'OpsError';
        this.kind = kind;
        this.status = status;
    }
}

/**
 * The kind of a failed answer. A 404 of the session list means the admin API is off (no
 * chat.admin.token); a 404 of one session means it is gone.
 */
export function errorKind(status, { listing = false } = {}) {
    if (status === 401) {
        return 'unauthorized';
    }
    if (status === 404) {
        return listing ? 'admin-off' : 'not-found';
    }
    if (status === 503) {
        return 'redis-down';
    }
    if (status === 400) {
        return 'bad-request';
    }
    return 'failed';
}

export class OpsApi {
    #fetch;
    #base;
    #token;

    /** base: the app's root URL ('/chat/'); fetchImpl: window.fetch (bound) or a fake. */
    constructor({ base = '/chat/', fetchImpl = globalThis.fetch.bind(globalThis), token = null } = {}) {
        this.#base = base.endsWith('/') ? base : base + '/';
        this.#fetch = fetchImpl;
        this.#token = token;
    }

    set token(value) {
        this.#token = value;
    }

    /** GET /api/admin/sessions?cursor=&limit= */
    listSessions(cursor, limit) {
        const query = new URLSearchParams();
        if (cursor) {
            query.set('cursor', cursor);
        }
        query.set('limit', String(limit));
        return this.#admin('GET', `api/admin/sessions?${query}`, undefined, { listing: true });
    }

    sessionDetail(id) {
        return this.#admin('GET', `api/admin/sessions/${encodeURIComponent(id)}`);
    }

    deleteSession(id) {
        return this.#admin('DELETE', `api/admin/sessions/${encodeURIComponent(id)}`);
    }

    setTtl(id, seconds) {
        return this.#admin('PUT', `api/admin/sessions/${encodeURIComponent(id)}/ttl`, { ttl_seconds: seconds });
    }

    /** The public history (GET /api/sessions/{id}/messages/): the newest page. */
    history(id) {
        return this.#json('GET', `api/sessions/${encodeURIComponent(id)}/messages/`, {});
    }

    /** GET /api/redis/status/: answered 200 whether Redis is up or not. */
    redisStatus() {
        return this.#json('GET', 'api/redis/status/', {});
    }

    /** The Prometheus text of the application's metrics (served by the server at /metrics, beside the app). */
    async metricsText() {
        const url = new URL('/metrics?scope=application', new URL(this.#base, globalThis.location?.href ?? 'http://localhost/')).toString();
        let response;
        try {
            response = await this.#fetch(url, { headers: { Accept: 'text/plain' }, cache: 'no-store' });
        } catch (e) {
            throw new OpsError('network', 0, `metrics unreachable: ${e.message}`);
        }
        if (!response.ok) {
            throw new OpsError(errorKind(response.status), response.status, `metrics answered ${response.status}`);
        }
        return response.text();
    }

    #admin(method, path, body, options = {}) {
        if (!this.#token) {
            return Promise.reject(new OpsError('unauthorized', 401, 'no admin token'));
        }
        return this.#json(method, path, { body, authorized: true, ...options });
    }

    async #json(method, path, { body, authorized = false, listing = false }) {
        const headers = { Accept: 'application/json' };
        if (authorized) {
            headers.Authorization = `Bearer ${this.#token}`;
        }
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }
        let response;
        try {
            response = await this.#fetch(this.#base + path, {
                method, headers, cache: 'no-store',
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (e) {
            throw new OpsError('network', 0, `the service did not answer: ${e.message}`);
        }
        let json = null;
        try {
            json = await response.json();
        } catch {
            json = null;
        }
        if (!response.ok) {
            throw new OpsError(errorKind(response.status, { listing }), response.status,
                json?.error ?? `HTTP ${response.status}`);
        }
        return json;
    }
}

/** What the page says for an error, by kind. */
export function explain(error) {
    switch (error?.kind) {
        case 'unauthorized':
            return 'The admin token was not accepted. Enter it again.';
        case 'admin-off':
            return 'The admin API is off on this server: set chat.admin.token (CHAT_ADMIN_TOKEN) and restart it.';
        case 'not-found':
            return 'That session is gone (expired or deleted).';
        case 'redis-down':
            return `Redis is unavailable (503): ${error.message}`;
        case 'bad-request':
            return `Refused: ${error.message}`;
        case 'network':
            return `The service did not answer: ${error.message}`;
        default:
            return `Something failed: ${error?.message ?? error}`;
    }
}
