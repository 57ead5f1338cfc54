// Other tabs of this page share localStorage: when one changes the cards or the settings, the others
// get a storage event and take its version, so neither tab overwrites the other's. No DOM here: the
// page hands in the event's key and what it holds, and gets back what to show.

import { MAX_CONNECTION_IDS } from './sessions.js';

/**
 * Which parts of the shared state a storage event concerns. key null: the whole storage was cleared.
 * @returns {{sessions: boolean, settings: boolean}}
 */
export function changedParts(key, { sessionsKey, settingsKey }) {
    return {
        sessions: key === null || key === sessionsKey,
        settings: key === null || key === settingsKey,
    };
}

/**
 * The cards after another tab saved its list (theirs, as stored). Their list decides which cards exist
 * and in which order; a card this tab has keeps its object (the open chat holds it) and takes their
 * TTL when they know one, and the connection ids of both (both tabs are this browser).
 * @returns {{sessions: object[], removed: string[]}} removed: ids of cards this tab had and theirs has not
 */
export function mergeSessions(mine, theirs) {
    const known = new Map(mine.map((s) => [s.id, s]));
    const merged = theirs.map((s) => {
        const card = known.get(s.id);
        if (!card) {
            return s;
        }
        card.expiresAt = s.expiresAt ?? card.expiresAt;
        const ids = [...(card.connectionIds ?? [])];
        for (const id of s.connectionIds ?? []) {
            if (!ids.includes(id)) {
                ids.push(id);
            }
        }
        card.connectionIds = ids.slice(-MAX_CONNECTION_IDS);
        return card;
    });
    const ids = new Set(merged.map((s) => s.id));
    return { sessions: merged, removed: mine.filter((s) => !ids.has(s.id)).map((s) => s.id) };
}
