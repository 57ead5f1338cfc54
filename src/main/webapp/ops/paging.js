// Paging the admin API's session list: next with the page's next_cursor, back with a stack of the
// cursors that led to the pages before. No DOM.

export class CursorStack {
    #behind = [];
    /** The cursor of the page shown ('' for the first). */
    current = '';
    /** The next_cursor of the page shown, null on the last page. */
    next = null;

    /** Records what the page just loaded said comes after it. */
    loaded(nextCursor) {
        this.next = nextCursor ?? null;
    }

    get hasNext() {
        return this.next !== null && this.next !== '';
    }

    get hasPrevious() {
        return this.#behind.length > 0;
    }

    /** 1 for the first page. */
    get pageNumber() {
        return this.#behind.length + 1;
    }

    /** The cursor to load for the next page (and moves there), or null when there is none. */
    forward() {
        if (!this.hasNext) {
            return null;
        }
        this.#behind.push(this.current);
        this.current = this.next;
        this.next = null;
        return this.current;
    }

    /** The cursor to load for the page before (and moves there), or null on the first page. */
    back() {
        if (!this.hasPrevious) {
            return null;
        }
        this.current = this.#behind.pop();
        this.next = null;
        return this.current;
    }

    /** Back to the first page. */
    reset() {
        this.#behind = [];
        this.current = '';
        this.next = null;
    }
}

/** The sessions whose id contains the text (case-insensitive); all of them for an empty text. */
export function filterSessions(sessions, text) {
    const needle = String(text ?? '').trim().toLowerCase();
    if (needle === '') {
        return sessions;
    }
    return sessions.filter((s) => String(s.session_id).toLowerCase().includes(needle));
}
