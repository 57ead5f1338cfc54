// Where the message list goes after the conversation changed, decided without the DOM: to our own new
// message, along with the newest (the user was at the bottom), or nowhere, counting what came in below
// for the "new messages ↓" pill (the user had scrolled up to read).

/**
 * shownKeys: the keys of the messages shown before; messages: what is shown now, in order, each with
 * {key, status, author: {kind}}; wasAtBottom: the list was scrolled to its end before.
 * @returns {{action: 'reveal', key: string} | {action: 'bottom'} | {action: 'stay', unseen: number}}
 *   reveal: scroll to our message of that key (just sent); bottom: follow the newest; stay: keep the
 *   user's place, unseen of others' messages having come in below it
 */
export function afterRender({ shownKeys, messages, wasAtBottom }) {
    const own = messages.findLast((m) => !shownKeys.has(m.key) && m.status === 'pending' && m.author?.kind === 'you');
    if (own) {
        return { action: 'reveal', key: own.key };
    }
    if (wasAtBottom) {
        return { action: 'bottom' };
    }
    // only what comes after everything shown before is below the user; what a history read puts above is not news
    let lastShown = -1;
    messages.forEach((m, i) => {
        if (shownKeys.has(m.key)) {
            lastShown = i;
        }
    });
    const unseen = messages.slice(lastShown + 1).filter((m) => m.author?.kind !== 'you').length;
    return { action: 'stay', unseen };
}
