/**
 * What the admin API does in Redis: scanning sessions on every master, the instances' live connection counts,
 * deleting a session and telling its clients, TTL changes, export and import, and the audit line of each action.
 */
package io.redischat.admin.control;
