// Where the admin token lives: the tab's sessionStorage only (gone when the tab closes), never
// localStorage. No DOM: the storage is passed in.

export const TOKEN_KEY = 'redis-chat-ops-token';

export class TokenStore {
    #storage;

    constructor(storage) {
        this.#storage = storage;
    }

    get() {
        try {
            const token = this.#storage.getItem(TOKEN_KEY);
            return token === null || token === '' ? null : token;
        } catch {
            return null;
        }
    }

    /** Keeps a token (trimmed); an empty one is refused with false. */
    set(token) {
        const value = String(token ?? '').trim();
        if (value === '') {
            return false;
        }
        this.#storage.setItem(TOKEN_KEY, value);
        return true;
    }

    forget() {
        this.#storage.removeItem(TOKEN_KEY);
    }
}
